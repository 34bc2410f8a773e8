"""What messaging tells, and to whom: the deadline job's digest to each shop (threads newly due
soon or overdue), a new operator message to the shop, and to the webhooks subscribed
`message.received`, `thread.due_soon` and `thread.overdue`, with the objects in the API's shape.
Written in the transaction of the change, delivered after commit by the outbox."""

import uuid
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from notifications.models import WebhookEvent
from notifications.selectors import subscribed_shop_ids
from notifications.services import Event, notices_emit, notified_users_prefetch, shop_recipient

MESSAGE_RECEIVED = WebhookEvent.MESSAGE_RECEIVED.value
THREAD_DUE_SOON = WebhookEvent.THREAD_DUE_SOON.value
THREAD_OVERDUE = WebhookEvent.THREAD_OVERDUE.value
DEADLINES_DIGEST = "thread.deadlines"
MAX_THREADS_PER_EMAIL = 100


def message_api_shape(message, *, language: str) -> dict:
    """The message as the thread's `messages` show it, with its thread's id."""
    from messaging.api import MessageOutput

    with translation.override(language):
        return {"thread": message.thread_id, **MessageOutput(message).data}


def message_notices_emit(*, thread, message, shop) -> None:
    """A customer or operator message arrived: the webhooks are told, and the shop is emailed
    when the operator wrote (customers' messages reach the shop through its inbox)."""
    recipients = [shop_recipient(shop)] if message.author == "OPERATOR" else []
    notices_emit(
        [
            Event(
                type=MESSAGE_RECEIVED,
                key=f"{MESSAGE_RECEIVED}:{message.pk}",
                shop=shop,
                about=message,
                recipients=recipients,
                params={
                    "thread_id": thread.pk,
                    "message_id": message.pk,
                    "author": message.author,
                    "subject": thread.subject,
                    # An automatic subject is written in the recipient's language at delivery.
                    "subject_params": thread.subject_params,
                    "reference": thread.order.reference if thread.order_id else "",
                    "body": Truncator(message.body).chars(2000),
                    "sent_at": message.created_at.isoformat(),
                    "thread_path": reverse("thread-detail", args=[thread.pk]),
                },
                webhook=lambda: message_api_shape(message, language=shop.language),
            )
        ]
    )


def _thread_shapes(thread_ids: list[int], *, shop_ids) -> dict[int, dict]:
    """Flagged threads in the API's shape, in one query, for the shops whose endpoints listen."""
    from messaging.api import ThreadListOutput
    from messaging.selectors import thread_list
    from sellerdesk.tenancy import ALL_SHOPS

    threads = thread_list(shop=ALL_SHOPS).filter(pk__in=thread_ids)
    if shop_ids is not None:
        threads = threads.filter(shop_id__in=shop_ids)
    shapes = {}
    for thread in threads:
        with translation.override(thread.shop.language):
            shapes[thread.pk] = dict(ThreadListOutput(thread).data)
    return shapes


def _references(order_ids: set[int]) -> dict[int, str]:
    """Order references by id, for tens of thousands of ids: one array parameter on PostgreSQL
    (an IN list of 30,000 placeholders costs more to build and parse than the query)."""
    from orders.models import Order

    if connection.vendor != "postgresql":
        return dict(Order.objects.filter(pk__in=order_ids).values_list("pk", "reference"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, reference FROM {Order._meta.db_table} WHERE id = ANY(%s)",
            [sorted(order_ids)],
        )
        return dict(cursor.fetchall())


def deadline_notices_emit(*, result) -> None:
    """The job's notices: one digest per shop listing its newly flagged threads (overdue first)
    and one webhook per thread. A constant number of queries whatever the number of threads."""
    from shops.models import Shop

    flagged = [*result.overdue, *result.due_soon]
    by_shop = defaultdict(list)
    for item in flagged:
        by_shop[item.shop_id].append(item)
    listed = {shop_id: items[:MAX_THREADS_PER_EMAIL] for shop_id, items in by_shop.items()}
    order_ids = {item.order_id for items in listed.values() for item in items if item.order_id}
    references = _references(order_ids)
    shops = {
        shop.pk: shop
        for shop in Shop.objects.filter(pk__in=by_shop).prefetch_related(notified_users_prefetch())
    }
    listening = subscribed_shop_ids(event_types=[THREAD_DUE_SOON, THREAD_OVERDUE])
    watched = [item.id for item in flagged if listening is None or item.shop_id in listening]
    shapes = _thread_shapes(watched, shop_ids=listening) if watched else {}
    run = uuid.uuid4().hex
    # One reverse() for every thread's link (thousands per run), not one per thread.
    sentinel = 987654321
    thread_path = reverse("thread-detail", args=[sentinel]).replace(str(sentinel), "{}")
    events = []
    for shop_id, items in by_shop.items():
        shop = shops[shop_id]
        events.append(
            Event(
                type=DEADLINES_DIGEST,
                key=f"{DEADLINES_DIGEST}:{run}:{shop_id}",
                shop=shop,
                recipients=[shop_recipient(shop)],
                params={
                    "threads": [
                        {
                            "id": item.id,
                            "subject": item.subject,
                            "subject_params": item.subject_params,
                            "reference": references.get(item.order_id, ""),
                            "overdue": item.state == "OVERDUE",
                            "due_at": item.reply_due_at.isoformat(),
                            "path": thread_path.format(item.id),
                        }
                        for item in listed[shop_id]
                    ],
                    "more": len(items) - len(listed[shop_id]),
                    "overdue_count": sum(1 for item in items if item.state == "OVERDUE"),
                    "due_soon_count": sum(1 for item in items if item.state == "DUE_SOON"),
                    "inbox_path": reverse("thread-list"),
                    "deadline_hours": settings.REPLY_DEADLINE_HOURS,
                },
            )
        )
        for item in items:
            if item.id not in shapes:
                continue
            event_type = THREAD_OVERDUE if item.state == "OVERDUE" else THREAD_DUE_SOON
            events.append(
                Event(
                    type=event_type,
                    # One per thread and deadline: a new deadline may be flagged again.
                    key=f"{event_type}:{item.id}:{item.reply_due_at.isoformat()}",
                    shop=shop,
                    webhook=lambda shape=shapes[item.id]: shape,
                )
            )
    notices_emit(events)
