"""The seller's own API keys: issue (shown once), list, revoke."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sellerdesk.tenancy import SellerRequired
from shops import services
from shops.models import ApiKey, Shop


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses this key, e.g. “ERP integration”."),
    )


class ApiKeyListView(SellerRequired, View):
    def get(self, request, form=None, new_key=None):
        keys = ApiKey.objects.filter(user=request.user)
        return render(
            request,
            "shops/api_keys.html",
            {"keys": keys, "form": form or ApiKeyForm(), "new_key": new_key},
        )

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        _key, raw = services.api_key_issue(user=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the key is shown this once and never stored.
        return self.get(request, new_key=raw)


class ApiKeyRevokeView(SellerRequired, View):
    def post(self, request, pk):
        api_key = ApiKey.objects.filter(user=request.user, pk=pk).first()
        if api_key is None:
            raise Http404
        services.api_key_revoke(api_key=api_key)
        messages.success(request, _("The key %(prefix)s… is revoked.") % {"prefix": api_key.prefix})
        return redirect("api-keys")


class ShopSettingsForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["language", "email"]
        help_texts = {
            "email": gettext_lazy(
                "Where the shop's notices go; empty: to every active user of the shop."
            )
        }


class ShopSettingsView(SellerRequired, View):
    """The shop's own settings: the language of its notices and where they go."""

    def get(self, request, form=None):
        form = form or ShopSettingsForm(instance=self.shop)
        return render(request, "shops/shop_settings.html", {"form": form})

    def post(self, request):
        form = ShopSettingsForm(request.POST, instance=Shop.objects.get(pk=self.shop.pk))
        if not form.is_valid():
            return self.get(request, form=form)
        services.shop_settings_update(shop=self.shop, **form.cleaned_data)
        messages.success(request, _("The settings are saved."))
        return redirect("shop-settings")
