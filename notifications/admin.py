"""The operator's admin: the outbox (pending, sent, failed and why; retry), the failures per
shop, and the webhook endpoints (the marketplace's own and the shops'), with their log."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from notifications import selectors, services
from notifications.models import DeliveryAttempt, Notice, NoticeState, WebhookEndpoint, WebhookEvent
from notifications.webhooks import url_problem
from sellerdesk.errors import DomainError


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "succeeded", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "channel",
        "recipient_kind",
        "short_address",
        "shop",
        "state",
        "attempts",
        "last_status_code",
        "short_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = (
        "state",
        "channel",
        "event",
        "recipient_kind",
        "language",
        "shop",
        ("endpoint", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("shop", "endpoint")
    search_fields = ("address", "event_id", "dedup_key", "=about_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [DeliveryAttemptInline]
    actions = ["retry_failed"]
    fields = (
        "event",
        "event_id",
        "channel",
        "recipient_kind",
        "address",
        "reply_to",
        "endpoint",
        "shop",
        "about_type",
        "about_id",
        "language",
        "state",
        "attempts",
        "first_attempt_at",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "sent_at",
        "created_at",
        "params",
        "payload",
    )
    readonly_fields = fields
    change_list_template = "admin/notifications/notice/change_list.html"

    def has_add_permission(self, request):
        return False  # notices are written by the changes that cause them

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox is the record of what was told

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("address"), ordering="address")
    def short_address(self, notice):
        return Truncator(notice.address).chars(50)

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, notice):
        return Truncator(notice.last_error).chars(80)

    @admin.action(description=gettext_lazy("Retry the failed notices now"), permissions=["view"])
    def retry_failed(self, request, queryset):
        count = services.notices_resend_failed(queryset=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed notice queued again.",
                "%(count)d failed notices queued again.",
                count,
            )
            % {"count": count},
            level=messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "failures/",
                self.admin_site.admin_view(self.failures_view),
                name="notifications_notice_failures",
            ),
            *super().get_urls(),
        ]

    def failures_view(self, request):
        """Per shop: what failed, what waits for a retry, what was sent."""
        changelist = reverse("admin:notifications_notice_changelist")
        rows = [
            {
                **row,
                "failed_url": f"{changelist}?state__exact={NoticeState.FAILED}"
                + (f"&shop__id__exact={row['shop_id']}" if row["shop_id"] else ""),
            }
            for row in selectors.failures_by_shop()
        ]
        return TemplateResponse(
            request,
            "admin/notifications/notice/failures.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Notices per shop"),
                "opts": self.model._meta,
                "rows": rows,
            },
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("shop", "url", "description", "events")

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "owner", "events_list", "is_active", "failing_since", "created_at")
    list_filter = ("is_active", ("shop", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("shop",)
    search_fields = ("url", "description", "shop__code", "shop__name")
    readonly_fields = (
        "secret_hint",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "created_by",
        "created_at",
        "deliveries",
    )
    actions = ["rotate_secret", "enable", "disable"]

    @admin.display(description=gettext_lazy("owner"), ordering="shop__name")
    def owner(self, endpoint):
        return endpoint.shop or _("The marketplace (every shop)")

    @admin.display(description=gettext_lazy("events"))
    def events_list(self, endpoint):
        return ", ".join(endpoint.events)

    @admin.display(description=gettext_lazy("secret"))
    def secret_hint(self, endpoint):
        return endpoint.secret_hint if endpoint.pk else "—"

    @admin.display(description=gettext_lazy("deliveries"))
    def deliveries(self, endpoint):
        if not endpoint.pk:
            return "—"
        url = (
            reverse("admin:notifications_notice_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, _("The delivery log of this endpoint"))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.webhook_endpoint_create(
                shop=form.cleaned_data["shop"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                acting_user=request.user,
            )
        except DomainError as error:
            self.message_user(request, error.detail, level=messages.ERROR)
            return
        obj.pk = created.pk
        obj.secret = created.secret
        self._show_secret(request, created)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # refused by the service (its message says why)
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _show_secret(self, request, endpoint):
        # The secret is never shown again: this message is the only time anyone sees it.
        self.message_user(
            request,
            _("Signing secret of %(url)s: %(secret)s. Copy it now: it will not be shown again.")
            % {"url": endpoint.url, "secret": endpoint.secret},
            level=messages.WARNING,
        )

    @admin.action(description=gettext_lazy("Rotate the secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            self._show_secret(request, services.webhook_endpoint_rotate_secret(endpoint=endpoint))

    @admin.action(description=gettext_lazy("Enable"), permissions=["change"])
    def enable(self, request, queryset):
        for endpoint in queryset:
            services.webhook_endpoint_set_active(endpoint=endpoint, active=True)

    @admin.action(description=gettext_lazy("Disable"), permissions=["change"])
    def disable(self, request, queryset):
        for endpoint in queryset:
            services.webhook_endpoint_set_active(endpoint=endpoint, active=False)
