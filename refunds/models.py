"""Refunds: what a shop gives back on a shipped order, per line, units and shipping.

A refund is PENDING when the seller creates it (the marketplace's payment side still has to
pay it), then the operator confirms it (REFUNDED) or refuses it (REFUSED). Every refund that is
not REFUSED counts against what was paid (see `refunds.calculations`).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refunds.reasons import reason_label as refund_reason_label
from sellerdesk.tenancy import ShopScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}


class RefundState(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    REFUNDED = "REFUNDED", _("Refunded")
    REFUSED = "REFUSED", _("Refused")


# The refund cycle as data: the states each one may move to, and who decides is the operator.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RefundState.PENDING: (RefundState.REFUNDED, RefundState.REFUSED),
    RefundState.REFUNDED: (),
    RefundState.REFUSED: (),
}


class RefundQuerySet(ShopScopedQuerySet):
    def counting(self):
        """Refunds that count against what was paid: every one that is not REFUSED."""
        return self.exclude(state=RefundState.REFUSED)


class Refund(models.Model):
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    # Denormalized from the order so that every list and lookup is scoped with one index.
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="refunds"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RefundState.choices, default=RefundState.PENDING
    )
    # A `refund` code of the operator's reason list (messaging.Reason), checked by refund_create.
    reason = models.CharField(_("reason"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    shipping_amount = models.DecimalField(_("shipping"), default=Decimal("0.00"), **MONEY)
    total_amount = models.DecimalField(_("total"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refuse_reason = models.CharField(_("why it was refused"), max_length=500, blank=True)

    objects = RefundQuerySet.as_manager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shipping_amount__gte=0), name="refund_shipping_not_negative"
            ),
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="refund_total_positive"),
            models.CheckConstraint(
                condition=Q(total_amount__gte=F("shipping_amount")),
                name="refund_total_covers_shipping",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RefundState.values), name="refund_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="refund_shop_created"),
            models.Index(fields=["shop", "state", "-created_at"], name="refund_shop_state_created"),
            models.Index(fields=["order", "state"], name="refund_order_state"),
        ]

    def __str__(self):
        return _("Refund #%(id)s of %(order)s") % {"id": self.pk, "order": self.order.reference}

    # The label comes from the operator's reason list. The selectors annotate it on every list
    # (`refunds.selectors.with_reason_label`), so a page or response never looks a label up per
    # row; a refund loaded without it looks its label up (one query).
    @property
    def reason_label(self) -> str:
        if "_reason_label" not in self.__dict__:
            self._reason_label = refund_reason_label(self.reason)
        return self._reason_label

    @reason_label.setter
    def reason_label(self, value: str) -> None:
        self._reason_label = value


class RefundLine(models.Model):
    """What one refund gives back on one order line: units (0 for an amount only) and amount."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="refund_lines",
    )
    quantity = models.PositiveIntegerField(_("units"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="refund_line_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="refund_line_units_not_negative"
            ),
            models.UniqueConstraint(
                fields=["refund", "order_line"], name="refund_line_once_per_line"
            ),
        ]

    def __str__(self):
        return f"{self.order_line.sku}: {self.quantity} / {self.amount}"
