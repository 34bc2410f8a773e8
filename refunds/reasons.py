"""The refund reasons a seller chooses from: the operator's shared reason list, kind `refund`.

The list is reference data owned by messaging (managed in the admin, served by
`GET /api/v1/reasons/?kind=refund`): refunds depends on messaging for it, and only for it.
Everything reads the database at request time, never at import, so a reason the operator adds
or deactivates counts at once. Codes are the contract (clients send and receive them, refunds
store them); labels follow the active language.
"""

from messaging import selectors as reason_selectors
from messaging.models import ReasonKind

KIND = ReasonKind.REFUND


def reason_choices() -> list[tuple[str, str]]:
    """(code, label) of the active refund reasons, in the operator's order."""
    return reason_selectors.reason_choices(kind=KIND)


def active_reason_labels(code: str) -> dict[str, str] | None:
    """{"es": ..., "en": ...} when a new refund may use this code, else None (one query)."""
    return reason_selectors.active_reason_labels(kind=KIND, code=code)


def reason_label(code: str) -> str:
    """One label in the active language (one query); a code missing from the list is shown as
    it is. Lists annotate `reason_label_expression()` instead."""
    return reason_selectors.reason_label(kind=KIND, code=code)


def reason_label_expression(code_field: str = "reason"):
    return reason_selectors.reason_label_expression(kind=KIND, code_field=code_field)


def reason_labels_in_every_language(code: str) -> dict[str, str]:
    """{"es": ..., "en": ...}: stored with an event so that it reads in any reader's language."""
    return reason_selectors.reason_labels_by_language(kind=KIND, code=code)
