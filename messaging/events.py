"""Automatic subjects and message steps of the order timeline, in the reader's language
(the timeline kind is registered with `orders.events` from MessagingConfig.ready())."""

from django.utils.translation import gettext as _

from orders.events import label_in_reader_language, register_event_summary, with_text


def automatic_subject(params: dict) -> str:
    """A subject SellerDesk wrote: "Damaged item · order NORTE-10008", "Order NORTE-10008"."""
    if not params:
        return ""
    reference = params.get("reference", "")
    if not params.get("reason_labels"):
        return _("Order %(reference)s") % {"reference": reference}
    reason = label_in_reader_language(params["reason_labels"])
    if reference:
        return _("%(reason)s · order %(reference)s") % {"reason": reason, "reference": reference}
    return reason


def _subject(params: dict) -> str:
    return automatic_subject(params.get("subject_params") or {}) or params.get("subject", "")


_RECIPIENTS = {
    ("customer",): lambda: _("to the customer"),
    ("operator",): lambda: _("to the operator"),
    ("customer", "operator"): lambda: _("to the customer and the operator"),
}


def message_summary(params: dict) -> str:
    """ "Shop message to the customer · Subject: excerpt" / "No reply needed · Subject: why"."""
    if params.get("no_reply_needed"):
        return with_text(
            _("No reply needed · %(subject)s") % {"subject": _subject(params)},
            params.get("reason", ""),
        )
    author = params.get("author")
    if author == "shop":
        recipients = _RECIPIENTS.get(tuple(params.get("recipients") or ()), lambda: "")()
        what = _("Shop message %(recipients)s") % {"recipients": recipients}
    elif author == "customer":
        what = _("Customer message")
    else:
        what = _("Operator message")
    return with_text(f"{what} · {_subject(params)}", params.get("excerpt", ""))


def register() -> None:
    from orders.models import OrderEventKind

    register_event_summary(OrderEventKind.MESSAGE, message_summary)
