"""Incident reasons: why an incident is opened and how the shop closed it.

The shared reason list the operator manages (kinds `incident_open` and `incident_close`) lives
in messaging; until the incidents app reads it from there, these codes are the list. Codes are
stable (clients store them); labels are translated.
"""

from django.utils.translation import gettext_lazy as _

OPEN_REASONS = {
    "item_not_received": _("Item not received"),
    "item_damaged": _("Item damaged"),
    "wrong_item": _("Wrong item"),
    "not_as_described": _("Not as described"),
    "missing_parts": _("Missing parts"),
    "other": _("Other"),
}

CLOSE_REASONS = {
    "replacement_sent": _("Replacement sent"),
    "refunded": _("Refunded"),
    "delivered_after_all": _("Delivered after all"),
    "customer_satisfied": _("Customer satisfied"),
    "other": _("Other"),
}


def open_reason_choices() -> list[tuple[str, str]]:
    return list(OPEN_REASONS.items())


def close_reason_choices() -> list[tuple[str, str]]:
    return list(CLOSE_REASONS.items())


def open_reason_label(code: str) -> str:
    return str(OPEN_REASONS.get(code, code))


def close_reason_label(code: str) -> str:
    return str(CLOSE_REASONS.get(code, code)) if code else ""


# The codes alone, for the OpenAPI enums (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
OPEN_REASON_CODES = list(OPEN_REASONS)
CLOSE_REASON_CODES = list(CLOSE_REASONS)
