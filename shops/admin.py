"""The operator's admin for shops, users and API keys."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shops import services
from shops.models import ApiKey, Shop, User


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email", "language", "timezone", "user_count", "created_at")
    search_fields = ("code", "name", "email")
    list_filter = ("language", "timezone")
    ordering = ("name",)

    def get_queryset(self, request):
        # Counted in the list query itself, not once per row.
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description=gettext_lazy("users"), ordering="user_count")
    def user_count(self, shop):
        return shop.user_count


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (gettext_lazy("Shop"), {"fields": ("shop",)}),
        (gettext_lazy("Preferences"), {"fields": ("timezone",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (gettext_lazy("Shop"), {"fields": ("shop",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "shop", "is_staff", "is_active")
    list_filter = ("shop", "is_staff", "is_superuser", "is_active")
    list_select_related = ("shop",)
    search_fields = ("username", "first_name", "last_name", "email", "shop__code", "shop__name")
    actions = ["issue_api_key"]

    @admin.action(description=gettext_lazy("Issue an API key"), permissions=["change"])
    def issue_api_key(self, request, queryset):
        for user in queryset:
            if not user.is_active:
                # Its key would never authenticate: say so instead of showing a dead key.
                self.message_user(
                    request,
                    _("%(username)s is inactive: no key issued.") % {"username": user.username},
                    level=messages.ERROR,
                )
                continue
            _api_key, raw = services.api_key_issue(user=user, name=_("Issued in the admin"))
            # The raw key is never stored: this message is the only time anyone sees it.
            self.message_user(
                request,
                _("API key for %(username)s: %(key)s. Copy it now: it will not be shown again.")
                % {"username": user.username, "key": raw},
                level=messages.WARNING,
            )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    # key_hash stays out of every page: it is not secret on its own, but nothing needs to see it.
    fields = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        # Keys are issued by `issue_api_key`, the seller's page or the action on users, which
        # are the only places that can show the raw key once.
        return False

    @admin.action(description=gettext_lazy("Revoke selected keys"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        active = list(queryset.filter(revoked_at__isnull=True))
        for api_key in active:
            services.api_key_revoke(api_key=api_key)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", len(active))
            % {"count": len(active)},
            level=messages.SUCCESS,
        )
