"""Threads and messages in Mirakl's shapes (M10, M11), and Mirakl's topics read as reasons.

Mapping (docs/mirakl.md): a thread's `topic` is its reason (`REASON_CODE`), except for the
reason "other", whose topic is the subject (`FREE_TEXT`). Participants are the shop, the
order's customer and the operator; `authorized_participants` are who may write in it (the
customer only on a thread about an order), `current_participants` who has taken part.
"""

from django.utils.translation import gettext as _

from messaging.models import Side
from mirakl.errors import MiraklError
from mirakl.formats import mirakl_datetime
from mirakl.people import customer_participant, operator_participant, shop_participant

# The reason of threads whose topic is free text (Mirakl's FREE_TEXT topic).
FREE_TEXT_REASON = "other"
MESSAGES_PER_THREAD_IN_LISTS = 100  # M11 with_messages: "limited to the last 100 messages"


def topic_of(thread) -> dict:
    if thread.reason.code == FREE_TEXT_REASON:
        return {"type": "FREE_TEXT", "value": thread.subject}
    return {"type": "REASON_CODE", "value": thread.reason.code}


def topic_as_reason(topic: dict) -> tuple[str, str]:
    """(reason code, subject) for a Mirakl topic: a reason code, or free text under "other"."""
    if topic.get("type") == "FREE_TEXT":
        return FREE_TEXT_REASON, topic["value"]
    return topic["value"], ""


def recipients_of(kinds) -> tuple[bool, bool]:
    """(to_customer, to_operator) from Mirakl participant types; the shop itself is no
    recipient of its own message."""
    kinds = set(kinds)
    return "CUSTOMER" in kinds, "OPERATOR" in kinds


def _entities(thread) -> list[dict]:
    if thread.order_id:
        reference = thread.order.reference
        return [{"type": "MMP_ORDER", "id": reference, "label": reference}]
    return [{"type": "SELLER_OPERATOR", "id": str(thread.shop_id), "label": thread.shop.name}]


def _side_participant(side: str, thread) -> dict:
    if side == Side.SHOP:
        return shop_participant(thread.shop)
    if side == Side.CUSTOMER:
        return customer_participant(thread.order)
    return operator_participant()


def _sender(side: str, thread, user=None) -> dict:
    organization = _side_participant(side, thread)
    name = organization["display_name"]
    if side == Side.SHOP and user is not None:
        name = user.get_full_name() or user.username
    return {
        "type": {Side.SHOP: "SHOP_USER", Side.CUSTOMER: "CUSTOMER_USER"}.get(side, "OPERATOR_USER"),
        "display_name": name,
        "organization_details": organization,
    }


def message_representation(message, thread) -> dict:
    if message.author == Side.SHOP:
        to = [
            _side_participant(side, thread)
            for side, present in (
                (Side.CUSTOMER, message.to_customer),
                (Side.OPERATOR, message.to_operator),
            )
            if present
        ]
    else:
        to = [shop_participant(thread.shop)]
    return {
        "id": str(message.pk),
        "body": message.body,
        "date_created": mirakl_datetime(message.created_at),
        "from": _sender(message.author, thread, message.author_user),
        "to": to,
        "attachments": [
            {"id": str(item.pk), "name": item.filename, "size": item.size}
            for item in message.attachments.all()
        ],
    }


def thread_representation(thread, *, messages=None, message_count: int) -> dict:
    """One thread; `messages` (oldest first) when they are asked for."""
    authorized = [shop_participant(thread.shop)]
    current = [shop_participant(thread.shop)]
    if thread.order_id:
        authorized.append(customer_participant(thread.order))
        if thread.with_customer:
            current.append(customer_participant(thread.order))
    authorized.append(operator_participant())
    if thread.with_operator:
        current.append(operator_participant())
    updated = max(filter(None, [thread.last_message_at, thread.no_reply_needed_at]))
    data = {
        "id": str(thread.pk),
        "topic": topic_of(thread),
        "entities": _entities(thread),
        "authorized_participants": authorized,
        "current_participants": current,
        "date_created": mirakl_datetime(thread.created_at),
        "date_updated": mirakl_datetime(updated),
        "metadata": {
            "last_message_date": mirakl_datetime(thread.last_message_at),
            "last_sender": _sender(thread.last_message_author, thread),
            "shop_reply_needed_since": mirakl_datetime(thread.reply_needed_since),
            "total_count": message_count,
        },
    }
    if messages is not None:
        data["messages"] = [message_representation(message, thread) for message in messages]
        data["no_store_reply_needed"] = (
            [{"date": mirakl_datetime(thread.no_reply_needed_at), "user_type": "SHOP"}]
            if thread.no_reply_needed_at
            else []
        )
    return data


def topic_unchanged_check(thread, topic: dict | None) -> None:
    """M12 may change a thread's topic; SellerDesk keeps a thread's reason and subject."""
    if topic and topic.get("type") and topic != topic_of(thread):
        raise MiraklError(
            _("Changing the topic of a thread is not supported: leave topic empty."),
            code="TOPIC_CHANGE_NOT_SUPPORTED",
            fields={"message_input.topic": [_("Leave it empty, or give the current topic.")]},
        )
