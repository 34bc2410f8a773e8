"""What messaging tells, and to whom: the deadline job's digest to each shop (threads newly due
soon or overdue), a new operator message to the shop, and to the webhooks subscribed
`message.received`, `thread.due_soon` and `thread.overdue`, with the objects in the API's shape.
Written in the transaction of the change, delivered after commit by the outbox."""

import uuid
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from messaging.models import Thread
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


def deadline_notices_emit(*, result) -> None:
    """The job's notices: one digest per shop of its newly flagged threads and one webhook per
    thread. A constant number of queries whatever the number of threads.

    The digest stores data only, the ids of the threads to list (at most MAX_THREADS_PER_EMAIL
    of each state) and the counts; `digest_threads` reads the threads when the email is
    rendered. A run flags up to tens of thousands of threads for a thousand shops: reading their
    orders and writing a thousand lists into the outbox was most of the job's time.
    """
    from shops.models import Shop

    flagged = [*result.overdue, *result.due_soon]
    by_shop = defaultdict(lambda: {"OVERDUE": [], "DUE_SOON": []})
    for item in flagged:
        by_shop[item.shop_id][item.state].append(item.id)
    shops = {
        shop.pk: shop
        for shop in Shop.objects.filter(pk__in=by_shop).prefetch_related(notified_users_prefetch())
    }
    listening = subscribed_shop_ids(event_types=[THREAD_DUE_SOON, THREAD_OVERDUE])
    watched = [item.id for item in flagged if listening is None or item.shop_id in listening]
    shapes = _thread_shapes(watched, shop_ids=listening) if watched else {}
    run = uuid.uuid4().hex
    inbox_path = reverse("thread-list")
    events = []
    for shop_id, ids in by_shop.items():
        shop = shops[shop_id]
        overdue, due_soon = ids["OVERDUE"], ids["DUE_SOON"]
        events.append(
            Event(
                type=DEADLINES_DIGEST,
                key=f"{DEADLINES_DIGEST}:{run}:{shop_id}",
                shop=shop,
                recipients=[shop_recipient(shop)],
                params={
                    "overdue_ids": overdue[:MAX_THREADS_PER_EMAIL],
                    "due_soon_ids": due_soon[:MAX_THREADS_PER_EMAIL],
                    "overdue_count": len(overdue),
                    "due_soon_count": len(due_soon),
                    "inbox_path": inbox_path,
                    "deadline_hours": settings.REPLY_DEADLINE_HOURS,
                },
            )
        )
    for item in flagged:
        if item.id not in shapes:
            continue
        event_type = THREAD_OVERDUE if item.state == "OVERDUE" else THREAD_DUE_SOON
        events.append(
            Event(
                type=event_type,
                # One per thread and deadline: a new deadline may be flagged again.
                key=f"{event_type}:{item.id}:{item.reply_due_at.isoformat()}",
                shop=shops[item.shop_id],
                webhook=lambda shape=shapes[item.id]: shape,
            )
        )
    notices_emit(events)


def digest_threads(notice) -> dict:
    """The digest's threads, read when its email is rendered (registered in MessagingConfig):
    overdue first, at most MAX_THREADS_PER_EMAIL, each with its subject, order reference, reply
    due time and link; `more` for those not listed.

    A notice written before the digest kept ids already holds its `threads`: left as it is.
    Threads of another shop never match (the notice's shop scopes the query).
    """
    params = notice.params
    if "threads" in params:
        return {}
    overdue_ids = params.get("overdue_ids", [])
    due_soon_ids = params.get("due_soon_ids", [])
    wanted = [*overdue_ids, *due_soon_ids][:MAX_THREADS_PER_EMAIL]
    threads = {
        thread.pk: thread
        for thread in Thread.objects.filter(shop_id=notice.shop_id, pk__in=wanted).select_related(
            "order"
        )
    }
    overdue = set(overdue_ids)
    sentinel = 987654321  # one reverse() for every link, not one per thread
    thread_path = reverse("thread-detail", args=[sentinel]).replace(str(sentinel), "{}")
    listed = [
        {
            "id": pk,
            "subject": threads[pk].subject,
            "subject_params": threads[pk].subject_params,
            "reference": threads[pk].order.reference if threads[pk].order_id else "",
            "overdue": pk in overdue,
            # Its deadline now: a thread replied to since the run has none, and shows none.
            "due_at": threads[pk].reply_due_at,
            "path": thread_path.format(pk),
        }
        for pk in wanted
        if pk in threads
    ]
    total = params.get("overdue_count", 0) + params.get("due_soon_count", 0)
    return {"threads": listed, "more": max(total - len(listed), 0)}
