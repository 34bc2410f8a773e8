"""Every write on threads and messages, and the reply-deadline job.

Locks, always in this order: the order row (`orders.services.order_lock`) when the thread has
an order, then the thread row. Two messages on one thread are therefore serialized, and the
thread's stored times (last message, unread, reply deadline) are computed from what the
previous writer left.

The 48-hour rule (domain.md): a customer or operator message that no shop message (or "no
reply needed") followed makes the thread need a reply since the earliest such message; it is
due REPLY_DEADLINE_HOURS later. A shop message clears it; so does "no reply needed".
Each such wait is also a `ReplyWait` row (`messaging.waits`), written where the deadline is set
or cleared: the statistics count those rows, so they follow this rule and no other.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hours.services import out_of_office_emit, reply_due_at
from messaging.attachments import (
    CheckedFile,
    attachment_store,
    attachments_check,
    attachments_delete,
)
from messaging.events import automatic_subject
from messaging.models import (
    Attachment,
    DeadlineFlag,
    Message,
    Reason,
    ReasonKind,
    Side,
    Thread,
    unread_q,
)
from messaging.notices import deadline_notices_emit, message_notices_emit
from messaging.waits import wait_ended, wait_moved_earlier, wait_started
from orders.models import Order, OrderEventKind
from orders.services import order_event_record, order_lock
from sellerdesk.errors import DomainError, InvalidState
from shops.models import Shop

log = logging.getLogger(__name__)

MAX_BODY_LENGTH = 10000
EXCERPT_LENGTH = 140


# --- Small guards ----------------------------------------------------------------------------


def _body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(
            _("Write a message."), code="required", fields={"body": [_("This field is required.")]}
        )
    if len(body) > MAX_BODY_LENGTH:
        raise DomainError(
            _("A message may be at most %(max)d characters.") % {"max": MAX_BODY_LENGTH},
            code="message_too_long",
            fields={"body": [_("Too long.")]},
        )
    return body


def reason_for(*, kind: str, code: str) -> Reason:
    """An active reason of that kind; raises reason_invalid."""
    try:
        return Reason.objects.active().get(kind=kind, code=code)
    except Reason.DoesNotExist:
        raise DomainError(
            _("“%(code)s” is not a reason for this.") % {"code": code},
            code="reason_invalid",
            fields={"reason": [_("Choose one of the reasons offered.")]},
        ) from None


def _recipients_check(*, thread_or_order, to_customer: bool, to_operator: bool) -> None:
    if not (to_customer or to_operator):
        raise DomainError(
            _("Choose who receives the message: the customer, the operator or both."),
            code="recipient_required",
            fields={"to": [_("Choose at least one recipient.")]},
        )
    if to_customer and thread_or_order is None:
        raise DomainError(
            _("Only a conversation about an order can include the customer."),
            code="recipient_not_allowed",
            fields={"to": [_("This conversation has no customer.")]},
        )


def _sent_at_check(sent_at: datetime | None, now: datetime) -> datetime:
    if sent_at is None:
        return now
    if timezone.is_naive(sent_at):
        raise DomainError(
            _("Give sent_at with its time zone offset."),
            code="invalid",
            fields={"sent_at": [_("A time zone offset is required.")]},
        )
    if sent_at > now + timedelta(seconds=5):  # a little clock skew between servers
        raise DomainError(
            _("A message cannot be sent in the future."),
            code="sent_at_in_future",
            fields={"sent_at": [_("This date is in the future.")]},
        )
    return sent_at


def _excerpt(body: str) -> str:
    return Truncator(" ".join(body.split())).chars(EXCERPT_LENGTH)


# --- The one place a message is added ------------------------------------------------------


def _store_files(*, shop_id: int, checked: list[CheckedFile], stored: list[str]) -> list[tuple]:
    rows = []
    for item in checked:
        name = attachment_store(shop_id=shop_id, checked=item)
        stored.append(name)
        rows.append((item, name))
    return rows


def _deadline_after_incoming(thread: Thread, sent_at: datetime) -> None:
    """An incoming message written at `sent_at`: does it (newly) await a reply, since when?"""
    answered_at = Message.objects.filter(thread=thread, author=Side.SHOP).aggregate(
        at=Max("created_at")
    )["at"]
    if thread.no_reply_needed_at and (
        answered_at is None or thread.no_reply_needed_at > answered_at
    ):
        answered_at = thread.no_reply_needed_at
    if answered_at is not None and answered_at >= sent_at:
        return  # an import of a message the shop had already answered
    if thread.reply_needed_since is None:
        thread.reply_needed_since = sent_at
        thread.deadline_flag = DeadlineFlag.NONE  # a new deadline: the job may flag it again
    elif sent_at < thread.reply_needed_since:
        # An earlier unanswered message was imported: the deadline only gets closer, so what
        # the job already flagged stays flagged.
        thread.reply_needed_since = sent_at
    else:
        return
    thread.reply_due_at = reply_due_at(shop_id=thread.shop_id, since=thread.reply_needed_since)


def _deadline_clear(thread: Thread) -> None:
    thread.reply_needed_since = None
    thread.reply_due_at = None
    thread.deadline_flag = DeadlineFlag.NONE


THREAD_STATE_FIELDS = [
    "last_message_at",
    "last_message_author",
    "last_incoming_at",
    "shop_last_read_at",
    "reply_needed_since",
    "reply_due_at",
    "deadline_flag",
    "with_customer",
    "with_operator",
]


def _message_add(
    *,
    thread: Thread,
    author: str,
    body: str,
    acting_user,
    files=(),
    to_customer: bool = False,
    to_operator: bool = False,
    sent_at: datetime | None = None,
    checked: list[CheckedFile] | None = None,
) -> Message:
    """Add one message to a thread (new or existing) and keep its stored times right.

    Every file is checked before anything is written; the files written are deleted again if
    the transaction fails.
    """
    body = _body_clean(body)
    now = timezone.now()
    sent_at = _sent_at_check(sent_at, now)
    checked = checked if checked is not None else attachments_check(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            if thread.order_id:
                order_lock(thread.order_id)
            if thread.pk:
                thread = Thread.objects.select_for_update().get(pk=thread.pk)
            else:
                thread.save()
            message = Message.objects.create(
                thread=thread,
                shop_id=thread.shop_id,
                author=author,
                author_user=acting_user if acting_user and acting_user.is_authenticated else None,
                to_customer=to_customer,
                to_operator=to_operator,
                body=body,
                created_at=sent_at,
                received_at=now,
            )
            rows = _store_files(shop_id=thread.shop_id, checked=checked, stored=stored)
            Attachment.objects.bulk_create(
                Attachment(
                    message=message,
                    shop_id=thread.shop_id,
                    stored_name=name,
                    original_filename=item.original_filename,
                    filename=item.filename,
                    size=item.size,
                    content_type=item.content_type,
                    created_at=now,
                )
                for item, name in rows
            )
            if sent_at >= thread.last_message_at:
                thread.last_message_at = sent_at
                thread.last_message_author = author
            if author == Side.SHOP:
                if thread.reply_needed_since is not None:
                    wait_ended(thread, at=now, replied_at=sent_at)
                _deadline_clear(thread)
                thread.shop_last_read_at = now  # writing in it, the shop has read it
                thread.with_customer = thread.with_customer or to_customer
                thread.with_operator = thread.with_operator or to_operator
            else:
                thread.last_incoming_at = now
                waiting_since = thread.reply_needed_since
                _deadline_after_incoming(thread, sent_at)
                if waiting_since is None and thread.reply_needed_since is not None:
                    wait_started(thread)
                elif waiting_since != thread.reply_needed_since:
                    wait_moved_earlier(thread)
                if author == Side.CUSTOMER:
                    thread.with_customer = True
                else:
                    thread.with_operator = True
            thread.save(update_fields=THREAD_STATE_FIELDS)
            if thread.order_id:
                _message_event(thread=thread, message=message, acting_user=acting_user)
            if author != Side.SHOP:
                message_notices_emit(thread=thread, message=message, shop=thread.shop)
            if author == Side.CUSTOMER:
                # An acknowledgement while the shop is closed; never counts as its reply.
                out_of_office_emit(thread=thread, message=message)
    except BaseException:
        # The rows are gone with the transaction; the files it wrote must go too.
        attachments_delete(stored)
        raise
    message.thread = thread
    return message


def _message_event(*, thread: Thread, message: Message, acting_user) -> None:
    # Rendered for each reader by messaging.events ("Shop message to the customer · ...").
    order_event_record(
        order=Order(pk=thread.order_id),
        kind=OrderEventKind.MESSAGE,
        actor=acting_user if acting_user and acting_user.is_authenticated else None,
        actor_side=message.author.lower(),
        params={
            "author": message.author.lower(),
            "recipients": list(message.recipients) if message.author == Side.SHOP else [],
            **_subject_params_of(thread),
            "excerpt": _excerpt(message.body),
        },
        at=message.received_at,
    )


def _subject_params_of(thread: Thread) -> dict:
    if thread.subject_params:
        return {"subject_params": thread.subject_params}
    return {"subject": thread.subject}


def _order_subject(order: Order) -> dict:
    """The subject of the order's thread with the operator: "Order NORTE-10008" for each reader."""
    params = {"reference": order.reference}
    with translation.override(settings.LANGUAGE_CODE):
        text = automatic_subject(params)
    return {"subject": text, "subject_params": params}


def _subject_for(*, subject: str, order: Order | None, reason: Reason) -> dict:
    """The thread's subject fields: the seller's own words, or an automatic subject as data
    (rendered for each reader) with its text in the marketplace's language for search."""
    subject = (subject or "").strip()[:200]
    if subject:
        return {"subject": subject, "subject_params": {}}
    params = {"reason_labels": {"es": reason.label_es, "en": reason.label_en}}
    if order is not None:
        params["reference"] = order.reference
    with translation.override(settings.LANGUAGE_CODE):
        text = automatic_subject(params)
    return {"subject": text[:200], "subject_params": params}


# --- Shop side -------------------------------------------------------------------------------


def thread_start(
    *,
    shop: Shop,
    order: Order | None,
    reason_code: str,
    body: str,
    to_customer: bool,
    to_operator: bool,
    acting_user,
    subject: str = "",
    attachments=(),
) -> Thread:
    """The shop starts a conversation (about an order, or with the operator alone).

    Guarantees the thread and its first message are written together with their files and the
    order event, or nothing is. Raises required, reason_invalid, recipient_required,
    recipient_not_allowed, attachment_type_not_allowed, attachment_too_large,
    too_many_attachments.
    """
    if order is not None and order.shop_id != shop.pk:
        raise DomainError(_("This order belongs to another shop."), code="not_found")
    _recipients_check(thread_or_order=order, to_customer=to_customer, to_operator=to_operator)
    reason = reason_for(kind=ReasonKind.MESSAGE, code=reason_code)
    _body_clean(body)
    checked = attachments_check(attachments)
    now = timezone.now()
    thread = Thread(
        shop=shop,
        order=order,
        reason=reason,
        **_subject_for(subject=subject, order=order, reason=reason),
        with_customer=to_customer,
        with_operator=to_operator,
        created_at=now,
        last_message_at=now,
        last_message_author=Side.SHOP,
        shop_last_read_at=now,
    )
    message = _message_add(
        thread=thread,
        author=Side.SHOP,
        body=body,
        acting_user=acting_user,
        to_customer=to_customer,
        to_operator=to_operator,
        checked=checked,
    )
    return message.thread


def message_post(
    *, thread: Thread, body: str, to_customer: bool, to_operator: bool, acting_user, attachments=()
) -> Message:
    """The shop replies. Clears the reply deadline and marks the thread read; a recipient who
    was not in the thread joins it. Raises required, recipient_required, recipient_not_allowed
    and the attachment codes."""
    _recipients_check(
        thread_or_order=thread.order_id, to_customer=to_customer, to_operator=to_operator
    )
    return _message_add(
        thread=thread,
        author=Side.SHOP,
        body=body,
        acting_user=acting_user,
        files=attachments,
        to_customer=to_customer,
        to_operator=to_operator,
    )


def thread_mark_read(*, thread: Thread, acting_user=None) -> bool:
    """The shop opened the thread. Answers whether it was unread (a write happens only then)."""
    now = timezone.now()
    # Conditional UPDATE: only an unread thread is written, and a message that arrives after
    # `now` keeps last_incoming_at > shop_last_read_at, so it stays unread as it should.
    updated = Thread.objects.filter(unread_q(), pk=thread.pk).update(shop_last_read_at=now)
    if updated:
        thread.shop_last_read_at = now
    return bool(updated)


def thread_mark_unread(*, thread: Thread, acting_user=None) -> bool:
    """The shop wants to come back to the thread: it is unread again from its last customer or
    operator message (only that one shows as new). A thread with no incoming message cannot be
    unread; answers whether a write happened."""
    # Conditional UPDATE on a read thread with an incoming message; read time moved to just
    # before that message, so a message arriving meanwhile still counts as unread too.
    updated = (
        Thread.objects.filter(pk=thread.pk, last_incoming_at__isnull=False)
        .exclude(unread_q())
        .update(shop_last_read_at=F("last_incoming_at") - timedelta(microseconds=1))
    )
    return bool(updated)


def thread_mark_no_reply_needed(*, thread: Thread, reason: str, acting_user) -> Thread:
    """The shop says the thread needs no answer (e.g. the customer said thanks).

    Clears the deadline, records who, when and why (shown to the operator), marks it read.
    Raises required, thread_not_awaiting_reply (409).
    """
    reason = (reason or "").strip()[:500]
    if not reason:
        raise DomainError(
            _("Say why no reply is needed."),
            code="required",
            fields={"reason": [_("This field is required.")]},
        )
    now = timezone.now()
    with transaction.atomic():
        if thread.order_id:
            order_lock(thread.order_id)
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.reply_needed_since is None:
            raise InvalidState(
                _("This conversation is not waiting for a reply."),
                code="thread_not_awaiting_reply",
            )
        wait_ended(locked, at=now, replied_at=None)
        _deadline_clear(locked)
        locked.no_reply_needed_reason = reason
        locked.no_reply_needed_at = now
        locked.no_reply_needed_by = acting_user
        locked.shop_last_read_at = now
        locked.save(
            update_fields=[
                "reply_needed_since",
                "reply_due_at",
                "deadline_flag",
                "no_reply_needed_reason",
                "no_reply_needed_at",
                "no_reply_needed_by",
                "shop_last_read_at",
            ]
        )
        if locked.order_id:
            order_event_record(
                order=Order(pk=locked.order_id),
                kind=OrderEventKind.MESSAGE,
                actor=acting_user,
                actor_side="shop",
                params={
                    "no_reply_needed": True,
                    **_subject_params_of(locked),
                    "reason": reason,
                },
                at=now,
            )
    return locked


def operator_thread_post_from_shop(
    *, order: Order, body: str, acting_user, reason_code: str = "other"
) -> Message:
    """Post a shop message to the operator in the order's operator thread (the latest one with
    the operator), creating that thread ("Order <reference>") when there is none.

    For other apps (an incident's resolution message). Raises required, reason_invalid.
    """
    with transaction.atomic():
        order_lock(order.pk)  # two first posts at the same moment make one thread, not two
        thread = (
            Thread.objects.filter(shop_id=order.shop_id, order=order, with_operator=True)
            .order_by("-last_message_at", "-id")
            .first()
        )
        if thread is not None:
            return message_post(
                thread=thread,
                body=body,
                to_customer=False,
                to_operator=True,
                acting_user=acting_user,
            )
        reason = reason_for(kind=ReasonKind.MESSAGE, code=reason_code)
        now = timezone.now()
        new_thread = Thread(
            shop_id=order.shop_id,
            order=order,
            reason=reason,
            **_order_subject(order),
            with_operator=True,
            created_at=now,
            last_message_at=now,
            last_message_author=Side.SHOP,
            shop_last_read_at=now,
        )
        return _message_add(
            thread=new_thread,
            author=Side.SHOP,
            body=body,
            acting_user=acting_user,
            to_operator=True,
        )


# --- Marketplace side (operator API, admin) --------------------------------------------------


def _incoming_author(author: str) -> str:
    author = (author or "").upper()
    if author not in (Side.CUSTOMER, Side.OPERATOR):
        raise DomainError(
            _("The author is the customer or the operator."),
            code="invalid",
            fields={"author": [_("Choose customer or operator.")]},
        )
    return author


def message_import(
    *, thread: Thread, author: str, body: str, acting_user, sent_at=None, attachments=()
) -> Message:
    """A customer or operator message reaches the thread (the marketplace's API, the admin).

    `sent_at` imports a message written earlier (never in the future); it counts from then for
    the 48-hour rule, unless a shop message already followed it. Raises invalid,
    recipient_not_allowed (a customer in a thread without order), sent_at_in_future, required
    and the attachment codes.
    """
    author = _incoming_author(author)
    if author == Side.CUSTOMER and not thread.order_id:
        raise DomainError(
            _("Only a conversation about an order can include the customer."),
            code="recipient_not_allowed",
            fields={"author": [_("This conversation has no customer.")]},
        )
    return _message_add(
        thread=thread,
        author=author,
        body=body,
        acting_user=acting_user,
        files=attachments,
        sent_at=sent_at,
    )


def thread_import(
    *,
    order: Order,
    author: str,
    reason_code: str,
    body: str,
    acting_user,
    subject: str = "",
    sent_at=None,
    attachments=(),
) -> Thread:
    """The customer or the operator opens a thread on an order (through the marketplace).

    Raises the codes of message_import and reason_invalid.
    """
    author = _incoming_author(author)
    reason = reason_for(kind=ReasonKind.MESSAGE, code=reason_code)
    _body_clean(body)
    now = timezone.now()
    sent_at = _sent_at_check(sent_at, now)
    checked = attachments_check(attachments)
    thread = Thread(
        shop_id=order.shop_id,
        order=order,
        reason=reason,
        **_subject_for(subject=subject, order=order, reason=reason),
        with_customer=author == Side.CUSTOMER,
        with_operator=author == Side.OPERATOR,
        created_at=sent_at,
        last_message_at=sent_at,
        last_message_author=author,
    )
    message = _message_add(
        thread=thread,
        author=author,
        body=body,
        acting_user=acting_user,
        sent_at=sent_at,
        checked=checked,
    )
    return message.thread


# --- The reply-deadline job ------------------------------------------------------------------


@dataclass(slots=True)
class FlaggedThread:
    id: int
    shop_id: int
    subject: str
    # The deadline as the database wrote it: a run returns tens of thousands of rows and only
    # the webhooks (for the shops that listen) need it as a datetime.
    due_text: str
    state: str

    @property
    def reply_due_at(self) -> datetime:
        due = datetime.fromisoformat(self.due_text)
        return due if due.tzinfo is not None else due.replace(tzinfo=UTC)  # SQLite: naive UTC


@dataclass
class FlagResult:
    due_soon: list[FlaggedThread] = field(default_factory=list)
    overdue: list[FlaggedThread] = field(default_factory=list)

    @property
    def shop_ids(self) -> set[int]:
        return {item.shop_id for item in [*self.due_soon, *self.overdue]}


def _flag(*, now: datetime, due_soon_limit: datetime) -> FlagResult:
    """One set-based UPDATE ... RETURNING for both states: a thread past its deadline and not
    yet flagged overdue becomes OVERDUE (a thread that went past due since the last run is
    flagged overdue only); one due before `due_soon_limit` and not flagged yet, DUE_SOON.

    The condition contains `reply_needed_since IS NOT NULL` and a range of reply_due_at: the
    partial index `thread_awaiting_due`, so the database reads only threads awaiting a reply,
    once. The flag itself is in no index, so the UPDATE is a HOT update. A concurrent shop
    reply that clears reply_needed_since first makes the row stop matching (PostgreSQL
    re-checks the condition on the row it waited for): it is not flagged.

    It returns only what the job hands on (the digest keeps ids, the command prints subjects,
    the webhooks need the deadline): tens of thousands of rows, so every column and every
    conversion per row counts; the deadline comes as text, parsed only for a webhook.
    """
    at = connection.ops.adapt_datetimefield_value
    table = Thread._meta.db_table
    # ISO 8601 whatever the session's DateStyle (PostgreSQL's JSON form of a timestamp).
    due = "to_json(reply_due_at) #>> '{}'" if connection.vendor == "postgresql" else "reply_due_at"
    sql = (
        f"UPDATE {table} SET deadline_flag = CASE WHEN reply_due_at <= %s THEN %s ELSE %s END "
        "WHERE reply_needed_since IS NOT NULL AND reply_due_at < %s AND ("
        " (deadline_flag IN (%s, %s) AND reply_due_at <= %s)"
        " OR (deadline_flag = %s AND reply_due_at > %s)"
        f") RETURNING id, shop_id, subject, {due}, deadline_flag"
    )
    params = [
        at(now),
        DeadlineFlag.OVERDUE,
        DeadlineFlag.DUE_SOON,
        at(due_soon_limit),
        DeadlineFlag.NONE,
        DeadlineFlag.DUE_SOON,
        at(now),
        DeadlineFlag.NONE,
        at(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = FlagResult()
    overdue, due_soon = result.overdue.append, result.due_soon.append
    for thread_id, shop_id, subject, due_text, state in rows:
        item = FlaggedThread(thread_id, shop_id, subject, due_text, state)
        (overdue if state == DeadlineFlag.OVERDUE else due_soon)(item)
    return result


def reply_deadlines_flag(*, now: datetime | None = None) -> FlagResult:
    """The deadline job: flag threads newly overdue or newly due soon, and write for each shop
    concerned one digest of its newly flagged threads, plus the webhooks, in the same
    transaction as the flags (delivered after commit by the outbox).

    One UPDATE whatever the number of threads; a second run at the same time flags and notifies
    nothing (a thread is flagged once per state per deadline).
    """
    now = now or timezone.now()
    due_soon_limit = now + timedelta(hours=settings.REPLY_DUE_SOON_HOURS)
    with transaction.atomic():
        result = _flag(now=now, due_soon_limit=due_soon_limit)
        overdue, due_soon = result.overdue, result.due_soon
        if result.shop_ids:
            # Written with the flags: a mail server down after commit delays the digest, and
            # the next run (which flags nothing again) cannot lose it.
            deadline_notices_emit(result=result)
    log.info(
        "flag_reply_deadlines: %s newly overdue, %s newly due soon, %s shops",
        len(overdue),
        len(due_soon),
        len(result.shop_ids),
    )
    return result
