"""The variables a reply template may use, and how each is filled from a thread's order.

A variable the order cannot fill (no carrier yet, no refund) is left in the text as it was
written and reported, so the seller sees it before sending; the reply box refuses a message
that still holds one (`unfilled_variables`)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from sellerdesk.formatting import format_money

VARIABLES = {
    "customer_name": _("the customer's name"),
    "order_reference": _("the order number"),
    "carrier": _("the carrier"),
    "tracking_number": _("the tracking number"),
    "tracking_url": _("the link to follow the parcel"),
    "refund_amount": _("the amount refunded on the order"),
    "shop_name": _("your shop's name"),
}
PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def placeholders(body: str) -> list[str]:
    """The names between braces in `body`, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(body or "")))


def unknown_variables(body: str) -> list[str]:
    return [name for name in placeholders(body) if name not in VARIABLES]


def unfilled_variables(body: str) -> list[str]:
    """Known variables still written as {name} in a message about to be sent."""
    return [name for name in placeholders(body) if name in VARIABLES]


def variables_list() -> str:
    return ", ".join(f"{{{name}}}" for name in VARIABLES)


def _money(amount: Decimal, currency: str, language: str) -> str:
    return format_money(amount, currency, locale=language)


def tracking_url(carrier: str, tracking_number: str) -> str:
    """The carrier's tracking page for this parcel (TRACKING_URLS), or "" for an unknown carrier."""
    if not (carrier and tracking_number):
        return ""
    pattern = settings.TRACKING_URLS.get(carrier.strip().lower(), "")
    return pattern.format(tracking_number=tracking_number) if pattern else ""


def _refund_amount(order, language: str) -> str:
    from refunds.models import Refund

    total = (
        Refund.objects.filter(order=order).counting().aggregate(total=Sum("total_amount"))["total"]
    )
    if not total:
        return ""
    return _money(total, order.currency, language)


def values_for(*, thread, language: str) -> dict[str, str]:
    """Every variable's value for this thread ("" where the order cannot fill it)."""
    order = thread.order if thread.order_id else None
    values = {name: "" for name in VARIABLES}
    values["shop_name"] = thread.shop.name
    if order is not None:
        values.update(
            customer_name=order.customer_name,
            order_reference=order.reference,
            carrier=order.carrier,
            tracking_number=order.tracking_number,
            tracking_url=tracking_url(order.carrier, order.tracking_number),
            refund_amount=_refund_amount(order, language),
        )
    return values


@dataclass
class FilledBody:
    body: str
    missing: list[str]


def fill(body: str, values: dict[str, str]) -> FilledBody:
    """Replace each variable by its value; one without a value stays as written."""
    missing = []

    def replace(match):
        name = match.group(1)
        value = values.get(name, "")
        if name in VARIABLES and value:
            return value
        if name in VARIABLES and name not in missing:
            missing.append(name)
        return match.group(0)

    return FilledBody(PLACEHOLDER.sub(replace, body), missing)
