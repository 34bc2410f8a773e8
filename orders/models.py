from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.tenancy import ShopScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderState(models.TextChoices):
    WAITING_ACCEPTANCE = "WAITING_ACCEPTANCE", _("Waiting for acceptance")
    SHIPPING = "SHIPPING", _("To ship")
    SHIPPED = "SHIPPED", _("Shipped")
    RECEIVED = "RECEIVED", _("Received")
    CLOSED = "CLOSED", _("Closed")
    REFUSED = "REFUSED", _("Refused")
    CANCELED = "CANCELED", _("Canceled")


# The API's spelling of the states, for the OpenAPI enum.
ORDER_STATES_API = [state.lower() for state in OrderState.values]


class OrderAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Refuse")
    CANCEL = "cancel", _("Cancel")
    SHIP = "ship", _("Ship")
    RECEIVE = "receive", _("Confirm receipt")
    CLOSE = "close", _("Close")


# The order cycle as data: from each state, the actions allowed and the state each leads to.
TRANSITIONS: dict[str, dict[str, str]] = {
    OrderState.WAITING_ACCEPTANCE: {
        OrderAction.ACCEPT: OrderState.SHIPPING,
        OrderAction.REFUSE: OrderState.REFUSED,
        OrderAction.CANCEL: OrderState.CANCELED,
    },
    OrderState.SHIPPING: {
        OrderAction.SHIP: OrderState.SHIPPED,
        OrderAction.CANCEL: OrderState.CANCELED,
    },
    OrderState.SHIPPED: {OrderAction.RECEIVE: OrderState.RECEIVED},
    OrderState.RECEIVED: {OrderAction.CLOSE: OrderState.CLOSED},
    OrderState.CLOSED: {},
    OrderState.REFUSED: {},
    OrderState.CANCELED: {},
}
# Actions a seller takes by hand; receive is the customer's/operator's, close is the job's.
SELLER_ACTIONS = (OrderAction.ACCEPT, OrderAction.REFUSE, OrderAction.SHIP, OrderAction.CANCEL)


class OrderQuerySet(ShopScopedQuerySet):
    pass


class Order(models.Model):
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders"
    )
    reference = models.CharField(_("order number"), max_length=64)
    state = models.CharField(
        _("state"), max_length=24, choices=OrderState.choices, default=OrderState.WAITING_ACCEPTANCE
    )
    customer_name = models.CharField(_("customer"), max_length=200)
    customer_email = models.EmailField(_("customer email"), blank=True)
    customer_language = models.CharField(
        _("customer language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    shipping_amount = models.DecimalField(_("shipping"), default=Decimal("0.00"), **MONEY)
    # Lines never change after import, so the totals are stored once for lists and statistics.
    items_amount = models.DecimalField(_("products"), default=Decimal("0.00"), **MONEY)
    total_amount = models.DecimalField(_("total"), default=Decimal("0.00"), **MONEY)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    state_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "reference"], name="order_reference_unique_per_shop"
            ),
            models.CheckConstraint(
                condition=Q(shipping_amount__gte=0), name="order_shipping_not_negative"
            ),
            models.CheckConstraint(
                # Round: SQLite adds decimals as floats (89.90 + 4.95 = 94.85000000000001).
                condition=Q(total_amount=Round(F("items_amount") + F("shipping_amount"), 2)),
                name="order_total_is_items_plus_shipping",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="order_shop_created"),
            models.Index(fields=["shop", "state", "-created_at"], name="order_shop_state_created"),
            models.Index(fields=["shop", "shipped_at"], name="order_shop_shipped"),
            models.Index(fields=["shop", "customer_name"], name="order_shop_customer"),
            # The order-cycle job's two predicates, each an index of only the orders in its
            # state (tens of thousands of a million): the job reads the due ones by date and
            # nothing else. A (state, date) index let the planner fetch every SHIPPED order's
            # row to check its date (20,000 heap pages for 128 due orders on the scale set).
            models.Index(
                fields=["shipped_at"], condition=Q(state="SHIPPED"), name="order_shipped_due"
            ),
            models.Index(
                fields=["received_at"], condition=Q(state="RECEIVED"), name="order_received_due"
            ),
        ]

    def __str__(self):
        return self.reference

    def allowed_actions(self) -> list[str]:
        return list(TRANSITIONS.get(self.state, {}))


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("product"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    total_amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_line_price_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title}"


class OrderEventKind(models.TextChoices):
    CREATED = "created", _("Order created")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    CANCELED = "canceled", _("Canceled")
    SHIPPED = "shipped", _("Shipped")
    TRACKING_UPDATED = "tracking_updated", _("Tracking updated")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    MESSAGE = "message", _("Message")
    INCIDENT_OPENED = "incident_opened", _("Incident opened")
    INCIDENT_RESOLVED = "incident_resolved", _("Incident marked as resolved")
    INCIDENT_REOPENED = "incident_reopened", _("Incident reopened")
    INCIDENT_CLOSED = "incident_closed", _("Incident closed")
    REFUND_CREATED = "refund_created", _("Refund requested")
    REFUND_CONFIRMED = "refund_confirmed", _("Refund paid")
    REFUND_REFUSED = "refund_refused", _("Refund refused")
    CUSTOMER_NOTIFIED = "customer_notified", _("Customer notified")


ACTION_EVENT = {
    OrderAction.ACCEPT: OrderEventKind.ACCEPTED,
    OrderAction.REFUSE: OrderEventKind.REFUSED,
    OrderAction.CANCEL: OrderEventKind.CANCELED,
    OrderAction.SHIP: OrderEventKind.SHIPPED,
    OrderAction.RECEIVE: OrderEventKind.RECEIVED,
    OrderAction.CLOSE: OrderEventKind.CLOSED,
}


ACTOR_SIDE_LABELS = {
    "shop": _("shop"),
    "operator": _("operator"),
    "customer": _("customer"),
    "system": _("automatic"),
}


class OrderEvent(models.Model):
    """The order timeline: every state change and every customer-care step, in its transaction."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=32, choices=OrderEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # "shop", "operator", "customer" or "system" (the periodic job): who acted, even without a user.
    actor_side = models.CharField(_("side"), max_length=16, default="system")
    from_state = models.CharField(max_length=24, choices=OrderState.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=OrderState.choices, blank=True)
    # What happened, as data (see orders.events): rendered in the reader's language when read.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Text of the rows written before `params` existed, in their writer's language: shown as it
    # is when it could not be turned into parameters.
    message = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_order_created")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_actor_side_display(self) -> str:
        return str(ACTOR_SIDE_LABELS.get(self.actor_side, self.actor_side))

    @property
    def summary(self) -> str:
        """The details in the active language (the reader's)."""
        from orders.events import event_summary

        return event_summary(self)
