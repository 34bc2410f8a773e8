"""How refund steps read on the order timeline, in the reader's language and money format
(registered with `orders.events` from RefundsConfig.ready())."""

from django.utils.translation import gettext as _

from orders.events import label_in_reader_language, register_event_summary, with_text
from sellerdesk.formatting import format_money


def _created(params: dict) -> str:
    return _("Refund #%(id)s: %(total)s (%(reason)s).") % {
        "id": params.get("refund_id", "?"),
        "total": format_money(params.get("total_amount"), params.get("currency")),
        "reason": label_in_reader_language(params.get("reason_labels")) or params.get("reason", ""),
    }


def _decided(params: dict) -> str:
    # A refused refund carries the operator's reason, in their words.
    return with_text(
        _("Refund #%(id)s") % {"id": params.get("refund_id", "?")}, params.get("note", "")
    )


def _customer_notified(params: dict) -> str:
    return _("Refund #%(id)s: email sent to %(email)s.") % {
        "id": params.get("refund_id", "?"),
        "email": params.get("email", ""),
    }


def register() -> None:
    from orders.models import OrderEventKind

    register_event_summary(OrderEventKind.REFUND_CREATED, _created)
    register_event_summary(OrderEventKind.REFUND_CONFIRMED, _decided)
    register_event_summary(OrderEventKind.REFUND_REFUSED, _decided)
    register_event_summary(OrderEventKind.CUSTOMER_NOTIFIED, _customer_notified)
