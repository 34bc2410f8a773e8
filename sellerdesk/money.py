"""Money: Decimal amounts with two places, never floats."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(raw) -> Decimal:
    """Parse a client-given amount strictly: a number with at most 2 decimals, else ValueError."""
    if isinstance(raw, float):
        raise ValueError(_('Amounts must be strings like "19.90", not floats.'))
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, TypeError):
        raise ValueError(_("Not a valid amount.")) from None
    if not amount.is_finite():
        raise ValueError(_("Not a valid amount."))
    if amount != amount.quantize(CENT) and amount.as_tuple().exponent < -2:
        raise ValueError(_("Amounts have at most 2 decimals."))
    return quantize(amount)
