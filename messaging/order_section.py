"""The order page's "Messages / Unread messages" panel and the order API's message fields."""

from messaging import selectors
from messaging.forms import ThreadStartForm
from messaging.models import ReasonKind
from orders.extensions import OrderSection, register_order_section


def _counts(threads) -> tuple[int, int]:
    return (
        sum(thread.message_count for thread in threads),
        sum(thread.unread_message_count for thread in threads),
    )


def order_page_context(order, request) -> dict:
    """Two queries: the order's threads with their counts, and the reasons for the form."""
    threads = selectors.order_threads(order=order)
    messages_count, unread_messages_count = _counts(threads)
    return {
        "order": order,
        "threads": threads,
        "messages_count": messages_count,
        "unread_messages_count": unread_messages_count,
        "form": ThreadStartForm(
            reasons=selectors.reasons_for(kind=ReasonKind.MESSAGE),
            auto_id="id_thread_%s",
        ),
    }


def order_api_fields(order, request) -> dict:
    """One query: the order's threads with their counts."""
    threads = selectors.order_threads(order=order)
    messages_count, unread_messages_count = _counts(threads)
    return {
        "messages_count": messages_count,
        "unread_messages_count": unread_messages_count,
        "threads": [
            {
                "id": thread.pk,
                "subject": thread.title,
                "unread": thread.unread,
                "deadline_status": thread.deadline_status,
            }
            for thread in threads
        ],
    }


def register() -> None:
    register_order_section(
        OrderSection(
            key="messages",
            position=10,
            template="messaging/order_panel.html",
            page_context=order_page_context,
            api_fields=order_api_fields,
            api_field_names={
                "messages_count": "Messages in the order's threads.",
                "unread_messages_count": "Customer/operator messages the shop has not read.",
                "threads": "The order's threads: id, subject, unread, deadline_status.",
            },
        )
    )
