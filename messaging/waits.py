"""Reply waits: the one definition of "the shop owes a reply", shared by deadline and statistics.

The services call `wait_started`, `wait_moved_earlier` and `wait_ended` where they set or clear
`Thread.reply_needed_since` (under the thread's row lock), so every wait the deadline knows is a
`ReplyWait` row and nothing else is. `waits_replayed` derives the same waits from stored
messages (for data written without the services: the migration of existing rows, fixtures).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from messaging.models import INCOMING_SIDES, ReplyWait, Side, Thread
from stats.rollup import shop_day_add


def wait_started(thread: Thread) -> None:
    """The thread now needs a reply (its reply_needed_since and reply_due_at are set)."""
    ReplyWait.objects.create(
        thread=thread,
        shop_id=thread.shop_id,
        started_at=thread.reply_needed_since,
        due_at=thread.reply_due_at,
    )


def wait_moved_earlier(thread: Thread) -> None:
    """An earlier unanswered message was imported: the open wait started then."""
    ReplyWait.objects.filter(thread=thread, ended_at__isnull=True).update(
        started_at=thread.reply_needed_since, due_at=thread.reply_due_at
    )


def wait_ended(thread: Thread, *, at: datetime, replied_at: datetime | None) -> None:
    """The open wait ends: by the shop's reply (`replied_at`) or by "no reply needed" (None).

    An answered wait adds to its start day's statistics in the same transaction.
    """
    table = ReplyWait._meta.db_table
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET ended_at = %s, replied_at = %s "
            "WHERE thread_id = %s AND ended_at IS NULL RETURNING started_at, due_at",
            [
                ops.adapt_datetimefield_value(at),
                ops.adapt_datetimefield_value(replied_at),
                thread.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None or replied_at is None:
        return
    started_at, due_at = row
    if connection.vendor == "sqlite":
        started_at = ops.convert_datetimefield_value(started_at, None, connection)
        due_at = ops.convert_datetimefield_value(due_at, None, connection)
    delay = replied_at - started_at
    shop_day_add(
        shop_id=thread.shop_id,
        at=started_at,
        waits_answered=1,
        waits_answered_within=int(replied_at <= due_at),
        reply_delay_microseconds=delay // timedelta(microseconds=1),
    )


def reply_deadline() -> timedelta:
    return timedelta(hours=settings.REPLY_DEADLINE_HOURS)


@dataclass
class Wait:
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None = None
    replied_at: datetime | None = None


def waits_replayed(messages, no_reply_needed_at: datetime | None) -> list[Wait]:
    """The waits of one thread from its messages `(author, created_at, received_at)` in order.

    The rule of `_message_add`: an incoming message while nothing is awaited starts a wait; the
    shop's next message ends it (replied at that message); "no reply needed" ends it without a
    reply. Only the last "no reply needed" is stored on a thread, so that is the one replayed.
    """
    events = [(created_at, 0, author, received_at) for author, created_at, received_at in messages]
    if no_reply_needed_at is not None:
        events.append((no_reply_needed_at, 1, None, no_reply_needed_at))
    events.sort(key=lambda event: (event[0], event[1]))
    waits: list[Wait] = []
    current: Wait | None = None
    for at, _kind, author, received_at in events:
        if author in INCOMING_SIDES:
            if current is None:
                current = Wait(started_at=at, due_at=at + reply_deadline())
                waits.append(current)
        elif current is not None:
            current.ended_at = received_at
            current.replied_at = at if author == Side.SHOP else None
            current = None
    return waits


def waits_rebuild(thread_ids) -> int:
    """Replace the waits of these threads by the ones their messages give. Returns how many."""
    from messaging.models import Message

    thread_ids = list(thread_ids)
    ReplyWait.objects.filter(thread_id__in=thread_ids).delete()
    threads = dict(Thread.objects.filter(pk__in=thread_ids).values_list("pk", "no_reply_needed_at"))
    shops = dict(Thread.objects.filter(pk__in=thread_ids).values_list("pk", "shop_id"))
    by_thread: dict[int, list] = {pk: [] for pk in thread_ids}
    rows = (
        Message.objects.filter(thread_id__in=thread_ids)
        .order_by("thread_id", "created_at", "id")
        .values_list("thread_id", "author", "created_at", "received_at")
    )
    for thread_id, author, created_at, received_at in rows.iterator(chunk_size=5000):
        by_thread[thread_id].append((author, created_at, received_at))
    new = [
        ReplyWait(thread_id=thread_id, shop_id=shops[thread_id], **wait.__dict__)
        for thread_id, messages in by_thread.items()
        for wait in waits_replayed(messages, threads.get(thread_id))
    ]
    ReplyWait.objects.bulk_create(new, batch_size=2000)
    return len(new)
