"""The operator's admin for orders.

State, money and lines are read-only here: every change of the order cycle goes through the
same services as the API (the actions below), so it is locked, guarded against frozen orders
and recorded on the timeline exactly as it would be from anywhere else.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders import selectors, services
from orders.admin_columns import TimelineColumns
from orders.freeze import order_freezers
from orders.models import Order, OrderEvent, OrderLine
from sellerdesk.errors import DomainError

# Order autocompletes of other apps' admin fields that accept only some orders, e.g. an
# incident's order must be shipped or received. `orders` imports none of the other apps: each
# registers its own rule here, keyed like the autocomplete request names the field.
AUTOCOMPLETE_LIMITS: dict[tuple[str, str, str], Callable[[QuerySet], QuerySet]] = {}


def register_autocomplete_limit(
    *, app_label: str, model_name: str, field_name: str, limit: Callable[[QuerySet], QuerySet]
) -> None:
    """Limit the orders the admin's autocomplete offers for `app_label.model_name.field_name`."""
    AUTOCOMPLETE_LIMITS[(app_label, model_name, field_name)] = limit


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("sku", "title", "quantity", "unit_price", "total_amount")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    # Lines never change after import: the order's stored totals are computed from them.
    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(TimelineColumns, admin.TabularInline):
    model = OrderEvent
    fields = (
        "created_at",
        "kind",
        "actor",
        "side",
        "from_state_label",
        "to_state_label",
        "details",
    )
    readonly_fields = fields
    ordering = ("created_at", "id")
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("timeline")

    # The timeline is written by the services, in the transaction of what it records.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "shop",
        "customer_name",
        "state",
        "total_amount",
        "currency",
        "created_at",
        "shipped_at",
        "is_frozen",
    )
    list_filter = ("shop", "state", "created_at", "shipped_at")
    search_fields = ("reference", "customer_name", "customer_email")
    list_select_related = ("shop",)
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["receive_orders", "cancel_orders"]
    fieldsets = (
        (None, {"fields": ("shop", "reference", "state", "state_reason", "frozen_by")}),
        (
            gettext_lazy("Customer"),
            {"fields": ("customer_name", "customer_email", "customer_language")},
        ),
        (
            gettext_lazy("Amounts"),
            {"fields": ("currency", "items_amount", "shipping_amount", "total_amount")},
        ),
        (gettext_lazy("Shipment"), {"fields": ("carrier", "tracking_number")}),
        (
            gettext_lazy("Dates"),
            {
                "fields": (
                    "created_at",
                    "accepted_at",
                    "shipped_at",
                    "received_at",
                    "closed_at",
                    "updated_at",
                )
            },
        ),
    )
    # Only the customer's contact details stay editable: everything else is the order cycle's.
    readonly_fields = (
        "shop",
        "reference",
        "state",
        "state_reason",
        "frozen_by",
        "currency",
        "items_amount",
        "shipping_amount",
        "total_amount",
        "carrier",
        "tracking_number",
        "created_at",
        "accepted_at",
        "shipped_at",
        "received_at",
        "closed_at",
        "updated_at",
    )

    def get_queryset(self, request):
        # `frozen` is annotated in the list query, so the column costs no query per row.
        return selectors.with_frozen(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):
            # The admin's autocomplete view names the field it fills in these parameters.
            field = tuple(
                request.GET.get(name, "") for name in ("app_label", "model_name", "field_name")
            )
            limit = AUTOCOMPLETE_LIMITS.get(field)
            if limit is not None:
                queryset = limit(queryset)
        return queryset, may_have_duplicates

    def has_add_permission(self, request):
        # Orders come from the marketplace (the operator import API), which records their creation.
        return False

    def has_delete_permission(self, request, obj=None):
        # An order's timeline, messages and refunds are the record of what happened to it.
        return False

    @admin.display(description=gettext_lazy("frozen"), boolean=True, ordering="frozen")
    def is_frozen(self, order):
        return order.frozen

    @admin.display(description=gettext_lazy("frozen by"))
    def frozen_by(self, order):
        blocking = order_freezers(order)
        return ", ".join(str(item) for item in blocking) if blocking else "—"

    def _run_on_each(self, request, queryset, service, done_message):
        """Apply one service to each selected order on its own, and report each outcome.

        Each order is its own transaction: one that breaks a rule (wrong state, frozen) is
        reported and left unchanged, and does not undo the others.
        """
        done, failed = [], []
        for order in queryset.select_related("shop").order_by("created_at", "id"):
            try:
                service(order)
            except DomainError as error:
                failed.append(f"{order.reference}: {error.detail}")
            else:
                done.append(order.reference)
        if done:
            self.message_user(
                request,
                done_message(len(done)) % {"count": len(done), "references": ", ".join(done)},
                level=messages.SUCCESS,
            )
        for failure in failed:
            self.message_user(request, failure, level=messages.ERROR)

    @admin.action(description=gettext_lazy("Confirm receipt"), permissions=["change"])
    def receive_orders(self, request, queryset):
        self._run_on_each(
            request,
            queryset,
            lambda order: services.order_receive(order=order, acting_user=request.user),
            lambda count: ngettext(
                "%(count)d order marked as received: %(references)s.",
                "%(count)d orders marked as received: %(references)s.",
                count,
            ),
        )

    @admin.action(description=gettext_lazy("Cancel"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        reason = _("Canceled by the operator")
        self._run_on_each(
            request,
            queryset,
            lambda order: services.order_cancel(
                order=order, acting_user=request.user, reason=reason
            ),
            lambda count: ngettext(
                "%(count)d order canceled: %(references)s.",
                "%(count)d orders canceled: %(references)s.",
                count,
            ),
        )
