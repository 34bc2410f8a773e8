"""Reads for the inbox, the thread page, the order page and the API, scoped to a shop.

The deadline status is computed in SQL from the stored times and the current time: `deadline_q`
gives each status as a filter (index-friendly ranges on reply_due_at), and `with_inbox_state`
turns the same conditions into a CASE for display, so a list and its filter never disagree.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from messaging.models import (
    INCOMING_SIDES,
    Attachment,
    DeadlineStatus,
    Message,
    Reason,
    Thread,
    reason_label_field,
    unread_q,
)

# The filter values of `deadline` (API and page): a status, or every thread awaiting a reply.
AWAITING_REPLY = "awaiting_reply"


def deadline_q(status: str, *, now: datetime) -> Q:
    """Threads whose deadline status is `status` at `now` (or any awaiting status)."""
    awaiting = Q(reply_needed_since__isnull=False)
    due_soon_limit = now + timedelta(hours=settings.REPLY_DUE_SOON_HOURS)
    return {
        DeadlineStatus.NONE: Q(reply_needed_since__isnull=True),
        AWAITING_REPLY: awaiting,
        DeadlineStatus.OVERDUE: awaiting & Q(reply_due_at__lte=now),
        DeadlineStatus.DUE_SOON: awaiting
        & Q(reply_due_at__gt=now, reply_due_at__lt=due_soon_limit),
        DeadlineStatus.OK: awaiting & Q(reply_due_at__gte=due_soon_limit),
    }[status]


def deadline_status_expression(*, now: datetime) -> Case:
    return Case(
        When(deadline_q(DeadlineStatus.NONE, now=now), then=Value(DeadlineStatus.NONE.value)),
        When(deadline_q(DeadlineStatus.OVERDUE, now=now), then=Value(DeadlineStatus.OVERDUE.value)),
        When(
            deadline_q(DeadlineStatus.DUE_SOON, now=now), then=Value(DeadlineStatus.DUE_SOON.value)
        ),
        default=Value(DeadlineStatus.OK.value),
        output_field=CharField(),
    )


def with_inbox_state(queryset, *, now: datetime | None = None):
    """Annotate `deadline_status` and `unread` in the list query itself."""
    now = now or timezone.now()
    return queryset.annotate(
        deadline_status=deadline_status_expression(now=now),
        unread=ExpressionWrapper(unread_q(), output_field=BooleanField()),
    )


def deadline_status_at(thread: Thread, now: datetime) -> str:
    """The same rule in Python, for one thread already in memory."""
    return deadline_status_of(thread.reply_needed_since, thread.reply_due_at, now=now)


def deadline_status_of(needed_since, due_at, *, now: datetime, due_soon_limit=None) -> str:
    """The rule on the two columns (a `.values()` row): `due_soon_limit` may be passed in when
    a list applies it to every row at the same `now`."""
    if needed_since is None:
        return DeadlineStatus.NONE
    if due_at <= now:
        return DeadlineStatus.OVERDUE
    if due_soon_limit is None:
        due_soon_limit = now + timedelta(hours=settings.REPLY_DUE_SOON_HOURS)
    if due_at < due_soon_limit:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.OK


def thread_list(*, shop, now: datetime | None = None):
    """Threads of one shop (ALL_SHOPS for operators), newest activity first."""
    queryset = Thread.objects.for_shop(shop).select_related("order", "reason", "shop")
    return with_inbox_state(queryset, now=now).order_by("-last_message_at", "-id")


def _messages_prefetch():
    return Prefetch(
        "messages",
        queryset=Message.objects.select_related("author_user")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id"),
    )


def thread_detail_queryset(*, shop, now: datetime | None = None):
    return (
        thread_list(shop=shop, now=now)
        .select_related("no_reply_needed_by")
        .prefetch_related(_messages_prefetch())
    )


def thread_get(*, shop, pk) -> Thread:
    """One thread of this shop with its messages; raises Thread.DoesNotExist otherwise."""
    return thread_detail_queryset(shop=shop).get(pk=pk)


def attachment_get(*, shop, pk) -> Attachment:
    """An attachment of this shop; raises Attachment.DoesNotExist otherwise."""
    return Attachment.objects.for_shop(shop).get(pk=pk)


def reasons_for(*, kind: str):
    """The active reasons of one kind, in the operator's order (position, then code)."""
    return Reason.objects.active().of_kind(kind)


# --- The reason list as reference data for other apps (incidents, refunds) -------------------
# Codes are what other apps store; labels are read from the operator's list at request time, in
# the active language. Never evaluated at import: the operator may change the list at any time.


def reason_choices(*, kind: str) -> list[tuple[str, str]]:
    """(code, label) of the active reasons of one kind, ordered by position; one query."""
    field = reason_label_field()
    return list(reasons_for(kind=kind).values_list("code", field))


def reason_is_active(*, kind: str, code: str) -> bool:
    """Whether `code` is an active reason of this kind (what a new record may use)."""
    return bool(code) and Reason.objects.active().filter(kind=kind, code=code).exists()


def reason_labels(*, kind: str) -> dict[str, str]:
    """{code: label} of every reason of one kind, inactive ones included (old records still
    show their label); one query. Build it once per page or response, never per row."""
    field = reason_label_field()
    return dict(Reason.objects.filter(kind=kind).values_list("code", field))


def reason_label(*, kind: str, code: str) -> str:
    """The label of one code (one query): for a single record, e.g. a timeline message or an
    email. A code missing from the list is shown as it is; an empty code gives ""."""
    if not code:
        return ""
    label = (
        Reason.objects.filter(kind=kind, code=code)
        .values_list(reason_label_field(), flat=True)
        .first()
    )
    return label or code


def reason_label_expression(*, kind: str, code_field: str = "reason"):
    """An annotation giving the label of the reason code stored in `code_field` (a correlated
    subquery on the reason list, in the active language), so a list labels every row in its own
    query. A code missing from the list gives the code itself; an empty code gives ""."""
    label = Subquery(
        Reason.objects.filter(kind=kind, code=OuterRef(code_field)).values(reason_label_field())[
            :1
        ],
        output_field=CharField(),
    )
    return Coalesce(label, F(code_field), output_field=CharField())


def threads_with_incoming_since(*, shop, since: datetime) -> int:
    """How many of the shop's threads received a customer or operator message after `since`
    (their latest message is incoming; a range on the inbox's own last-message index)."""
    return (
        Thread.objects.for_shop(shop)
        .filter(last_message_at__gt=since, last_message_author__in=INCOMING_SIDES)
        .count()
    )


def messages_after(*, thread: Thread, after_id: int) -> list[Message]:
    """The thread's messages newer than the one the page shows last (the page's polling)."""
    return list(_messages_prefetch().queryset.filter(thread=thread, pk__gt=after_id))


def unread_count(*, shop) -> int:
    return Thread.objects.for_shop(shop).filter(unread_q()).count()


def order_threads(*, order, now: datetime | None = None) -> list[Thread]:
    """The order's threads, each with its message and unread-message counts, in one query."""
    incoming_unread = Q(messages__author__in=INCOMING_SIDES) & (
        Q(shop_last_read_at__isnull=True) | Q(messages__received_at__gt=F("shop_last_read_at"))
    )
    queryset = Thread.objects.for_shop(order.shop).filter(order=order).select_related("reason")
    return list(
        with_inbox_state(queryset, now=now)
        .annotate(
            message_count=Count("messages"),
            unread_message_count=Count("messages", filter=incoming_unread),
        )
        .order_by("-last_message_at", "-id")
    )


def active_reason_labels(*, kind: str, code: str) -> dict[str, str] | None:
    """{"es": label, "en": label} of an active reason, None when `code` is not one (one query):
    what a write checks and records in the same read (refund create checked, then read the
    labels twice more)."""
    if not code:
        return None
    labels = (
        Reason.objects.active().filter(kind=kind, code=code).values("label_es", "label_en").first()
    )
    if labels is None:
        return None
    return {"es": labels["label_es"], "en": labels["label_en"]}


def reason_labels_by_language(*, kind: str, code: str) -> dict[str, str]:
    """{"es": label, "en": label} of one code (one query): for a notice, rendered later in its
    reader's language. A code missing from the list is its own label."""
    labels = Reason.objects.filter(kind=kind, code=code).values("label_es", "label_en").first()
    if labels is None:
        return {"es": code, "en": code}
    return {"es": labels["label_es"], "en": labels["label_en"]}
