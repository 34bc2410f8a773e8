"""The operator's admin for refunds: every shop's refunds, and the decisions on them.

Amounts and lines are read-only: a refund is created by the seller through the services, and
the operator decides it through the same services as the operator API (the actions below), so
each decision is locked, allowed only from PENDING and recorded on the order timeline.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy, ngettext

from refunds import services
from refunds.models import Refund, RefundLine
from refunds.reasons import reason_choices
from refunds.selectors import with_reason_label
from sellerdesk.errors import DomainError
from sellerdesk.formatting import format_money


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    fields = ("order_line", "quantity", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line")


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the refund is refused"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class RefundReasonFilter(admin.SimpleListFilter):
    """The reasons by their label in the operator's language, not their codes."""

    title = gettext_lazy("reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return reason_choices()

    def queryset(self, request, queryset):
        return queryset.filter(reason=self.value()) if self.value() else queryset


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "order",
        "shop",
        "state",
        "reason_display",
        "total",
        "created_at",
        "created_by",
        "notified_at",
    )
    list_filter = ("shop", "state", RefundReasonFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("order", "shop", "created_by")
    search_fields = ("order__reference", "order__customer_name", "=id")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [RefundLineInline]
    actions = ["confirm_refunds", "refuse_refunds"]
    fields = (
        "order",
        "shop",
        "state",
        "reason_display",
        "note",
        "currency",
        "shipping_amount",
        "total_amount",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "refuse_reason",
        "notified_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # The customer's notification time comes from the outbox, in the list's own query.
        return with_reason_label(super().get_queryset(request))

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_display(self, refund):
        return refund.reason_label

    @admin.display(description=gettext_lazy("total"), ordering="total_amount")
    def total(self, refund):
        return format_money(refund.total_amount, refund.currency)

    @admin.display(description=gettext_lazy("customer notified at"), ordering="notified_at")
    def notified_at(self, refund):
        return refund.notified_at

    def has_add_permission(self, request):
        # Refunds are created by the seller, where the rules (window, amounts) are checked.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _run_on_each(self, request, queryset, service, done_message):
        """Apply one decision to each selected refund on its own, and report each outcome."""
        done, failed = [], []
        for refund in queryset.order_by("created_at", "id"):
            try:
                service(refund)
            except DomainError as error:
                failed.append(f"#{refund.pk}: {error.detail}")
            else:
                done.append(f"#{refund.pk}")
        if done:
            self.message_user(
                request,
                done_message(len(done)) % {"count": len(done), "refunds": ", ".join(done)},
                level=messages.SUCCESS,
            )
        for failure in failed:
            self.message_user(request, failure, level=messages.ERROR)

    @admin.action(description=gettext_lazy("Confirm: the refund was paid"), permissions=["change"])
    def confirm_refunds(self, request, queryset):
        self._run_on_each(
            request,
            queryset,
            lambda refund: services.refund_confirm(refund=refund, acting_user=request.user),
            lambda count: ngettext(
                "%(count)d refund confirmed: %(refunds)s.",
                "%(count)d refunds confirmed: %(refunds)s.",
                count,
            ),
        )

    @admin.action(description=gettext_lazy("Refuse (with a reason)"), permissions=["change"])
    def refuse_refunds(self, request, queryset):
        form = RefuseForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run_on_each(
                request,
                queryset,
                lambda refund: services.refund_refuse(
                    refund=refund, acting_user=request.user, reason=reason
                ),
                lambda count: ngettext(
                    "%(count)d refund refused: %(refunds)s.",
                    "%(count)d refunds refused: %(refunds)s.",
                    count,
                ),
            )
            return None
        # The intermediate page asks for the reason, then posts the same action again.
        return TemplateResponse(
            request,
            "admin/refunds/refund/refuse.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext_lazy("Refuse refunds"),
                "opts": self.model._meta,
                "refunds": queryset.select_related("order"),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
