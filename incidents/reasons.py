"""Incident reasons: why an incident is opened (kind `incident_open`) and how the shop closed it
(kind `incident_close`).

They are the operator's shared reason list, managed in the admin and served by
`GET /api/v1/reasons/?kind=`; messaging owns it (incidents already depends on messaging). These
thin functions name the two kinds for the incidents app. Everything reads the database at
request time, never at import: a reason the operator adds or deactivates counts at once.
Codes are stable (clients and old incidents store them); labels follow the active language.
"""

from messaging import selectors as reason_selectors
from messaging.models import ReasonKind

OPEN = ReasonKind.INCIDENT_OPEN
CLOSE = ReasonKind.INCIDENT_CLOSE


# Closing reasons that say the order was refunded: true only if it was (a refund not refused).
CLOSE_REASONS_CLAIMING_A_REFUND = frozenset({"refunded"})


def claims_a_refund(code: str) -> bool:
    return code in CLOSE_REASONS_CLAIMING_A_REFUND


def open_reason_choices() -> list[tuple[str, str]]:
    return reason_selectors.reason_choices(kind=OPEN)


def close_reason_choices() -> list[tuple[str, str]]:
    return reason_selectors.reason_choices(kind=CLOSE)


def is_open_reason(code: str) -> bool:
    return reason_selectors.reason_is_active(kind=OPEN, code=code)


def is_close_reason(code: str) -> bool:
    return reason_selectors.reason_is_active(kind=CLOSE, code=code)


def open_reason_label(code: str) -> str:
    """One label (one query): for a single record. Lists annotate labels instead."""
    return reason_selectors.reason_label(kind=OPEN, code=code)


def close_reason_label(code: str) -> str:
    return reason_selectors.reason_label(kind=CLOSE, code=code)


def open_reason_label_expression(code_field: str = "reason"):
    return reason_selectors.reason_label_expression(kind=OPEN, code_field=code_field)


def close_reason_label_expression(code_field: str = "resolution_reason"):
    return reason_selectors.reason_label_expression(kind=CLOSE, code_field=code_field)


def reason_labels_in_every_language(kind: str, code: str) -> dict[str, str]:
    """{"es": ..., "en": ...} of an open or close reason: stored with a timeline event so that
    it reads in any reader's language."""
    return reason_selectors.reason_labels_by_language(kind=kind, code=code)
