"""The refund reasons a seller chooses from: a code stored on the refund, a translated label.

Kept in the refunds app for now; the operator-managed reason list of messaging may replace it
later (the codes are the contract: clients send and receive them).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RefundReason(models.TextChoices):
    CUSTOMER_RETURN = "customer_return", _("The customer returned the product")
    DAMAGED_ITEM = "damaged_item", _("The product arrived damaged")
    MISSING_ITEM = "missing_item", _("A product is missing from the parcel")
    LATE_DELIVERY = "late_delivery", _("Late delivery")
    GOODWILL = "goodwill", _("Goodwill gesture")
    SHIPPING_REFUND = "shipping_refund", _("Shipping costs refunded")
    OTHER = "other", _("Other reason")


def reason_label(code: str) -> str:
    """The label in the active language; an unknown (retired) code is shown as it is."""
    try:
        return str(RefundReason(code).label)
    except ValueError:
        return code
