"""The seller's Integrations page: webhook endpoints, their secret (shown once), their delivery
log and "resend". Thin views: the services write, the selectors read, scoped to the shop."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from notifications import selectors, services
from notifications.forms import WebhookEndpointForm
from notifications.models import Channel, Notice
from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired

DELIVERIES_SHOWN = 50


def _endpoint_or_404(shop, pk):
    try:
        return selectors.endpoint_get(shop=shop, pk=pk)
    except Exception:
        raise Http404 from None


class IntegrationsView(SellerRequired, View):
    def get(self, request, form=None, status=200):
        return render(
            request,
            "notifications/integrations.html",
            {
                "endpoints": selectors.endpoint_list(shop=self.shop),
                "form": form or WebhookEndpointForm(),
            },
            status=status,
        )

    def post(self, request):
        form = WebhookEndpointForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            endpoint = services.webhook_endpoint_create(
                shop=self.shop, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            for field, errors in error.fields.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.detail)
            return self.get(request, form=form, status=400)
        return _detail(request, self.shop, endpoint.pk, new_secret=endpoint.secret)


def _detail(request, shop, pk, *, new_secret=None):
    endpoint = _endpoint_or_404(shop, pk)
    deliveries = selectors.endpoint_deliveries(endpoint=endpoint)[:DELIVERIES_SHOWN]
    # Rendered, not redirected, when a secret is shown: it is shown this once.
    return render(
        request,
        "notifications/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": deliveries, "new_secret": new_secret},
    )


class EndpointDetailView(SellerRequired, View):
    def get(self, request, pk):
        return _detail(request, self.shop, pk)


class EndpointActionView(SellerRequired, View):
    """POST actions on one endpoint: rotate the secret, enable, disable, delete."""

    def post(self, request, pk, action):
        endpoint = _endpoint_or_404(self.shop, pk)
        if action == "rotate":
            endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
            return _detail(request, self.shop, pk, new_secret=endpoint.secret)
        if action in ("enable", "disable"):
            services.webhook_endpoint_set_active(endpoint=endpoint, active=action == "enable")
            messages.success(
                request,
                _("The endpoint is enabled.")
                if action == "enable"
                else _("The endpoint is paused."),
            )
            return redirect("integration-endpoint", pk=pk)
        if action == "delete":
            services.webhook_endpoint_delete(endpoint=endpoint)
            messages.success(request, _("The endpoint %(url)s is deleted.") % {"url": endpoint.url})
            return redirect("integrations")
        raise Http404


class DeliveryResendView(SellerRequired, View):
    def post(self, request, pk, delivery_pk):
        endpoint = _endpoint_or_404(self.shop, pk)
        notice = Notice.objects.filter(
            endpoint=endpoint, channel=Channel.WEBHOOK, pk=delivery_pk
        ).first()
        if notice is None:
            raise Http404
        try:
            services.notice_resend(notice=notice)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("The delivery is sent again."))
        return redirect("integration-endpoint", pk=pk)
