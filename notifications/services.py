"""Every write of the outbox: emit notices (in the caller's transaction), deliver them after
commit, retry with backoff, give up, resend; and the webhook endpoints' own writes.

The guarantees (domain.md, "Nothing lost"):
- `notices_emit` writes one Notice row per recipient in the transaction of the change that
  causes it, so the notice exists exactly when the change does. A dedup key (event key and
  recipient) makes a second emit of the same event write nothing for a recipient it has.
- After commit, one Celery task is queued for the event's notices. If the broker is down the
  request still succeeds: the rows wait and the beat sweep (`notices_send_due`) sends them.
- Delivery first *claims* rows (SELECT ... FOR UPDATE SKIP LOCKED, then a conditional UPDATE
  that re-checks that each row is still due), so two workers, two sweeps, or a task and a sweep
  never send one notice twice. One window is left: a process that dies after the mail server or
  the webhook receiver accepted a notice, but before its row is marked SENT, leaves a claim that
  goes stale after CLAIM_TIMEOUT; the notice is then sent a second time. (Webhook receivers drop
  the duplicate by its `webhook-id`, which stays the same.)
- A failed attempt is logged (DeliveryAttempt) and retried with exponential backoff
  (NOTIFICATIONS_RETRY_BASE_SECONDS doubling up to NOTIFICATIONS_RETRY_MAX_SECONDS) until
  NOTIFICATIONS_EMAIL_RETRY_HOURS (emails) or WEBHOOK_RETRY_HOURS (webhooks) after its first
  attempt; then it is FAILED, shown in the admin, and can be resent. A webhook endpoint whose
  delivery is given up without any success since is disabled and its owner emailed.

Error codes: `invalid` (field errors: url, events), `webhook_endpoint_limit` (400);
`notice_in_flight`, `webhook_endpoint_disabled` (409).
"""

import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.email import notice_email
from notifications.hooks import run_delivered_hooks
from notifications.models import (
    Channel,
    DeliveryAttempt,
    Notice,
    NoticeState,
    RecipientKind,
    WebhookEndpoint,
    WebhookEvent,
    new_webhook_secret,
)
from notifications.webhooks import url_problem, webhook_headers, webhook_post
from sellerdesk.errors import DomainError, InvalidState

log = logging.getLogger(__name__)

# A claim older than this belongs to a sender that died: another may take the notice over. It
# must exceed the time one batch can take (BATCH_SIZE × the SMTP or webhook time-out).
CLAIM_TIMEOUT = timedelta(minutes=15)
# The sweep leaves a notice written a moment ago to the task queued at its commit.
FIRST_TRY_GRACE = timedelta(seconds=60)
BATCH_SIZE = 50
# One sweep stops claiming after this long; the next run goes on where it stopped.
SWEEP_BUDGET_SECONDS = 45
MAX_ENDPOINTS_PER_SHOP = 10
PREVIOUS_SECRET_VALIDITY = timedelta(hours=24)


# --- Recipients -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Who receives an email, at which addresses, in which language."""

    kind: str
    addresses: tuple[str, ...]
    language: str
    reply_to: str = ""


def _offered_language(language: str) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def notified_users_prefetch(lookup: str = "users") -> Prefetch:
    """Prefetch a shop's users who receive its email when it has no contact address."""
    from shops.models import User

    users = User.objects.filter(is_active=True).exclude(email="").order_by("id")
    return Prefetch(lookup, queryset=users, to_attr="notified_users")


def shop_recipient(shop) -> Recipient | None:
    """The shop, in its language: its contact email, or else its active users' emails (prefetch
    `notified_users_prefetch()` to save the query). None when it has no address at all."""
    if shop.email:
        addresses = (shop.email,)
    else:
        users = getattr(shop, "notified_users", None)
        if users is None:
            users = shop.users.filter(is_active=True).exclude(email="").order_by("id")
        addresses = tuple(sorted({user.email for user in users}))
    if not addresses:
        log.warning("shop %s has no email address: its notice is not written", shop.code)
        return None
    return Recipient(RecipientKind.SHOP, addresses, _offered_language(shop.language))


def customer_recipient(*, email: str, language: str, reply_to: str = "") -> Recipient | None:
    """An order's customer, in the order's customer language (Spanish unless it is offered)."""
    if not email:
        return None
    return Recipient(RecipientKind.CUSTOMER, (email,), _offered_language(language), reply_to)


def operator_recipient() -> Recipient:
    """The marketplace's operators: OPERATOR_EMAIL, in OPERATOR_LANGUAGE."""
    return Recipient(RecipientKind.OPERATOR, (settings.OPERATOR_EMAIL,), settings.OPERATOR_LANGUAGE)


# --- Emit ---------------------------------------------------------------------------------------


@dataclass
class Event:
    """Something that happened, to tell its recipients and the endpoints subscribed to it.

    `key` identifies this occurrence (e.g. "refund.created:42"): emitting it again writes
    nothing twice. `params` are the template parameters (data: ids, amounts with currency,
    states, codes). `webhook` builds the object in the REST API's own shape, with the caller's
    API serializer; it is called (in the caller's transaction) only when an endpoint subscribes.
    """

    type: str
    key: str
    shop: object | None
    about: object | None = None
    recipients: list = field(default_factory=list)
    params: dict = field(default_factory=dict)
    webhook: Callable[[], dict] | None = None
    webhook_extra: dict = field(default_factory=dict)


def _endpoints_for(events: list[Event]) -> list[WebhookEndpoint]:
    if not any(event.webhook is not None for event in events):
        return []
    shop_ids = {event.shop.pk for event in events if event.shop is not None}
    return list(
        WebhookEndpoint.objects.active().filter(Q(shop_id__in=shop_ids) | Q(shop__isnull=True))
    )


def webhook_body(*, event_id: str, event: Event, at: datetime, data: dict) -> str:
    envelope = {
        "id": event_id,
        "type": event.type,
        "timestamp": at.isoformat(),
        "shop": event.shop.code if event.shop is not None else None,
        **event.webhook_extra,
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)


def notices_emit(events: Iterable[Event]) -> int:
    """Write the notices of these events in the caller's transaction; queue them after commit.

    Two queries whatever the number of events (the endpoints subscribed, one INSERT), plus what
    the webhook builders need. Returns how many rows were written (a duplicate writes none).
    Raises nothing of its own.
    """
    events = list(events)
    if not events:
        return 0
    now = timezone.now()
    endpoints = _endpoints_for(events)
    rows = []
    for event in events:
        event_id = f"msg_{uuid.uuid4().hex}"
        common = {
            "event": event.type,
            "event_id": event_id,
            "shop": event.shop,
            "about_type": event.about._meta.label_lower if event.about is not None else "",
            "about_id": event.about.pk if event.about is not None else None,
            "created_at": now,
            "next_attempt_at": now,
        }
        for recipient in event.recipients:
            if recipient is None:
                continue
            rows.append(
                Notice(
                    channel=Channel.EMAIL,
                    recipient_kind=recipient.kind,
                    address=",".join(recipient.addresses)[:1000],
                    reply_to=recipient.reply_to,
                    language=recipient.language,
                    params=event.params,
                    dedup_key=f"{event.key}|{recipient.kind.lower()}"[:255],
                    **common,
                )
            )
        if event.webhook is None:
            continue
        shop_id = event.shop.pk if event.shop is not None else None
        subscribed = [
            endpoint
            for endpoint in endpoints
            if event.type in endpoint.events and endpoint.shop_id in (None, shop_id)
        ]
        if not subscribed:
            continue
        body = webhook_body(event_id=event_id, event=event, at=now, data=event.webhook())
        for endpoint in subscribed:
            rows.append(
                Notice(
                    channel=Channel.WEBHOOK,
                    recipient_kind=RecipientKind.ENDPOINT,
                    endpoint=endpoint,
                    address=endpoint.url,
                    language=event.shop.language if event.shop is not None else "",
                    payload=body,
                    dedup_key=f"{event.key}|endpoint:{endpoint.pk}"[:255],
                    **common,
                )
            )
    if not rows:
        return 0
    # ON CONFLICT DO NOTHING on the dedup key: an event emitted twice adds nothing.
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    event_ids = sorted({row.event_id for row in rows})
    transaction.on_commit(partial(_queue, event_ids=event_ids))
    return len(rows)


def _queue(*, event_ids=(), notice_ids=()) -> None:
    """After commit: queue the delivery task. A broker that is down fails nothing: the notices
    stay due and the sweep sends them."""
    from notifications.tasks import deliver_notices
    from sellerdesk.celery import app

    kwargs = {"event_ids": list(event_ids), "notice_ids": list(notice_ids)}
    if app.conf.task_always_eager:  # tests and debugging: run it here and now
        deliver_notices.apply_async(kwargs=kwargs)
        return
    try:
        with app.pool.acquire(block=True) as connection:
            # Fail at once when the broker is unreachable instead of blocking the request.
            connection.ensure_connection(max_retries=0)
            deliver_notices.apply_async(
                kwargs=kwargs,
                queue=settings.NOTIFICATIONS_QUEUE,
                connection=connection,
                retry=False,
            )
    except Exception:  # any broker failure (kombu, redis and socket errors share no base)
        log.warning(
            "Could not queue notices %s; the sweep will send them.",
            list(event_ids) or list(notice_ids),
            exc_info=True,
        )


# --- Deliver ------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What one delivery run did. `retry_in` maps each notice to retry to its delay (seconds)."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    retry_in: dict = field(default_factory=dict)

    def add(self, other: "Delivery") -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.failed += other.failed
        self.given_up += other.given_up
        self.retry_in.update(other.retry_in)


def _claimable(now: datetime) -> Q:
    return Q(state=NoticeState.PENDING, next_attempt_at__lte=now) | Q(
        state=NoticeState.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _claim(scope: Q, *, now: datetime, limit: int = BATCH_SIZE) -> list[Notice]:
    """Claim up to `limit` due notices in `scope` for this sender only."""
    token = uuid.uuid4()
    with transaction.atomic():
        # SKIP LOCKED: rows another sender is claiming right now are left to it.
        ids = list(
            Notice.objects.filter(_claimable(now) & scope)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        # The conditional UPDATE re-checks that each row is still due: only one claimer's
        # UPDATE can match a row, whatever the database (SQLite has no row locks).
        Notice.objects.filter(_claimable(now), pk__in=ids).update(
            state=NoticeState.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce(F("first_attempt_at"), now),
        )
    return list(
        Notice.objects.filter(pk__in=ids, claim_token=token)
        .select_related("endpoint", "shop")
        .order_by("id")
    )


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: exponential, capped, with
    up to 10 % jitter so that a recovering server is not hit by every retry at once."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    delay = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return delay * (1 + random.uniform(0, 0.1))


def _retry_window(notice: Notice) -> timedelta:
    if notice.channel == Channel.WEBHOOK:
        return timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    return timedelta(hours=settings.NOTIFICATIONS_EMAIL_RETRY_HOURS)


@dataclass(frozen=True)
class _Outcome:
    succeeded: bool
    status_code: int | None = None
    error: str = ""
    duration_ms: int = 0


def _send_webhook(notice: Notice) -> _Outcome:
    at = timezone.now()
    headers = webhook_headers(
        secrets=notice.endpoint.signing_secrets(at),
        event_id=notice.event_id,
        at=at,
        body=notice.payload,
    )
    response = webhook_post(url=notice.endpoint.url, body=notice.payload, headers=headers)
    return _Outcome(response.succeeded, response.status_code, response.error, response.duration_ms)


class _Mailer:
    """One SMTP connection for a batch, opened again after a failure."""

    def __init__(self):
        self.connection = None

    def send(self, notice: Notice) -> _Outcome:
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()
            self.connection.send_messages([notice_email(notice, connection=self.connection)])
        except Exception as error:  # SMTP errors, OSError, a template that does not render
            self.close()
            return _Outcome(False, error=f"{type(error).__name__}: {error}")
        return _Outcome(True, duration_ms=int((time.monotonic() - started) * 1000))

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a connection that already broke
                log.debug("closing the SMTP connection failed", exc_info=True)
            self.connection = None


def _record(notice: Notice, outcome: _Outcome, result: Delivery) -> None:
    """Write the attempt and the notice's new state (only if this sender still holds it)."""
    at = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            notice=notice,
            number=notice.attempts,
            at=at,
            succeeded=outcome.succeeded,
            status_code=outcome.status_code,
            error=outcome.error[:500],
            duration_ms=outcome.duration_ms,
        )
        mine = Notice.objects.filter(pk=notice.pk, claim_token=notice.claim_token)
        if outcome.succeeded:
            held = mine.update(
                state=NoticeState.SENT,
                sent_at=at,
                last_attempt_at=at,
                last_status_code=outcome.status_code,
                last_error="",
                claim_token=None,
            )
            result.sent += 1
            if notice.endpoint_id:
                WebhookEndpoint.objects.filter(
                    pk=notice.endpoint_id, failing_since__isnull=False
                ).update(failing_since=None)
            if held:
                run_delivered_hooks(notice)
            else:
                log.warning("notice %s was sent after its claim went stale", notice.pk)
            return
        result.failed += 1
        give_up = at >= (notice.first_attempt_at or at) + _retry_window(notice)
        delay = retry_delay(notice.attempts)
        mine.update(
            state=NoticeState.FAILED if give_up else NoticeState.PENDING,
            next_attempt_at=at if give_up else at + timedelta(seconds=delay),
            last_attempt_at=at,
            last_status_code=outcome.status_code,
            last_error=outcome.error,
            claim_token=None,
        )
        if notice.endpoint_id:
            WebhookEndpoint.objects.filter(
                pk=notice.endpoint_id, failing_since__isnull=True
            ).update(failing_since=at)
        if give_up:
            result.given_up += 1
            log.warning("notice %s given up after %s attempts", notice.pk, notice.attempts)
            if notice.endpoint_id:
                _disable_if_dead(notice, at=at, error=outcome.error)
        else:
            result.retry_in[notice.pk] = delay


def _deliver(notices: list[Notice]) -> Delivery:
    result = Delivery(claimed=len(notices))
    mailer = _Mailer()
    try:
        for notice in notices:
            if notice.channel == Channel.EMAIL:
                outcome = mailer.send(notice)
            else:
                outcome = _send_webhook(notice)
            _record(notice, outcome, result)
    finally:
        mailer.close()
    return result


def notices_deliver(*, event_ids=(), notice_ids=(), now: datetime | None = None) -> Delivery:
    """Deliver the due notices of these events (or these notices): what the task queued at
    commit does. A notice another sender holds, or one not due, is left alone."""
    scope = Q(pk__in=[])
    if event_ids:
        scope |= Q(event_id__in=list(event_ids))
    if notice_ids:
        scope |= Q(pk__in=list(notice_ids))
    result = Delivery()
    while True:
        notices = _claim(scope, now=now or timezone.now())
        if not notices:
            return result
        result.add(_deliver(notices))
        scope &= ~Q(pk__in=[notice.pk for notice in notices])  # once per run


def notices_send_due(*, now: datetime | None = None) -> Delivery:
    """The beat sweep: deliver every notice that is due (never queued because the broker was
    down, waiting for its retry, or left by a sender that died), batch after batch, for at most
    SWEEP_BUDGET_SECONDS. Two sweeps at once never send one notice twice. Idempotent."""
    started = time.monotonic()
    run_started = now or timezone.now()
    # First tries younger than the grace are their task's; each notice once per run.
    scope = (Q(attempts__gt=0) | Q(created_at__lte=run_started - FIRST_TRY_GRACE)) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=run_started)
    )
    result = Delivery()
    while time.monotonic() - started < SWEEP_BUDGET_SECONDS:
        notices = _claim(scope, now=now or timezone.now())
        if not notices:
            break
        result.add(_deliver(notices))
        scope &= ~Q(pk__in=[notice.pk for notice in notices])
    if result.claimed:
        log.info(
            "notices: %s claimed, %s sent, %s failed (%s given up)",
            result.claimed,
            result.sent,
            result.failed,
            result.given_up,
        )
    return result


def notice_resend(*, notice: Notice) -> Notice:
    """Send a notice again now: a failed one, or a delivered webhook the integrator lost (same
    `webhook-id`). Starts a new retry window. Raises notice_in_flight (409) while it is being
    sent and webhook_endpoint_disabled (409) when its endpoint is disabled."""
    with transaction.atomic():
        if (
            notice.endpoint_id
            and not WebhookEndpoint.objects.filter(pk=notice.endpoint_id, is_active=True).exists()
        ):
            raise InvalidState(
                _("This endpoint is disabled: enable it before resending."),
                code="webhook_endpoint_disabled",
            )
        now = timezone.now()
        moved = (
            Notice.objects.filter(pk=notice.pk)
            .exclude(state=NoticeState.SENDING)
            .update(state=NoticeState.PENDING, next_attempt_at=now, first_attempt_at=None)
        )
        if not moved:
            raise InvalidState(_("This notice is being sent right now."), code="notice_in_flight")
        transaction.on_commit(partial(_queue, notice_ids=[notice.pk]))
    notice.refresh_from_db()
    return notice


def notices_resend_failed(*, queryset) -> int:
    """The admin's retry of failed notices (of enabled endpoints): one UPDATE; queued after commit."""
    with transaction.atomic():
        ids = list(
            queryset.filter(state=NoticeState.FAILED)
            .filter(Q(endpoint__isnull=True) | Q(endpoint__is_active=True))
            .values_list("pk", flat=True)
        )
        Notice.objects.filter(pk__in=ids, state=NoticeState.FAILED).update(
            state=NoticeState.PENDING, next_attempt_at=timezone.now(), first_attempt_at=None
        )
        if ids:
            transaction.on_commit(partial(_queue, notice_ids=ids))
    return len(ids)


# --- Webhook endpoints ----------------------------------------------------------------------


def _disable_if_dead(notice: Notice, *, at: datetime, error: str) -> None:
    """A delivery was given up: disable its endpoint unless some delivery succeeded since this
    one's first attempt, fail what still waits for it, and tell its owner (same transaction)."""
    disabled = WebhookEndpoint.objects.filter(
        pk=notice.endpoint_id,
        is_active=True,
        failing_since__isnull=False,
        failing_since__lte=notice.first_attempt_at or at,
    ).update(
        is_active=False,
        disabled_at=at,
        disabled_reason=_("Disabled automatically: deliveries failed for %(hours)s hours.")
        % {"hours": settings.WEBHOOK_RETRY_HOURS},
    )
    if not disabled:
        return
    Notice.objects.filter(endpoint_id=notice.endpoint_id, state=NoticeState.PENDING).update(
        state=NoticeState.FAILED, last_error=_("The endpoint was disabled.")
    )
    endpoint = WebhookEndpoint.objects.select_related("shop").get(pk=notice.endpoint_id)
    owner = shop_recipient(endpoint.shop) if endpoint.shop_id else operator_recipient()
    notices_emit(
        [
            Event(
                type="webhook.disabled",
                key=f"webhook.disabled:{endpoint.pk}:{at.isoformat()}",
                shop=endpoint.shop,
                about=endpoint,
                recipients=[owner],
                params={
                    "url": endpoint.url,
                    "endpoint_id": endpoint.pk,
                    "failing_since": endpoint.failing_since.isoformat(),
                    "last_error": error[:300],
                    "hours": settings.WEBHOOK_RETRY_HOURS,
                    "path": f"/settings/integrations/{endpoint.pk}/" if endpoint.shop_id else "",
                },
            )
        ]
    )


def _endpoint_errors(*, url: str, events: list[str]) -> dict:
    errors = {}
    problem = url_problem(url or "")
    if problem:
        errors["url"] = [problem]
    unknown = [event for event in events if event not in WebhookEvent.values]
    if not events:
        errors["events"] = [_("Choose at least one event.")]
    elif unknown:
        errors["events"] = [_("Unknown event: %(event)s.") % {"event": unknown[0]}]
    return errors


def webhook_endpoint_create(
    *, shop, url: str, events: list[str], acting_user, description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint for a shop (None: the marketplace's own, for every shop).

    Its secret is generated here; show it to the owner once. Raises invalid (url: not https,
    not public; events: none or unknown) and webhook_endpoint_limit (more than 10 per shop)."""
    url = (url or "").strip()
    events = list(dict.fromkeys(events or []))
    errors = _endpoint_errors(url=url, events=events)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    with transaction.atomic():
        if shop is not None:
            # Lock the shop row so two creations at once cannot both pass the limit.
            type(shop).objects.select_for_update().get(pk=shop.pk)
            if WebhookEndpoint.objects.filter(shop=shop).count() >= MAX_ENDPOINTS_PER_SHOP:
                raise DomainError(
                    _("A shop may have at most %(max)d webhook endpoints.")
                    % {"max": MAX_ENDPOINTS_PER_SHOP},
                    code="webhook_endpoint_limit",
                )
        return WebhookEndpoint.objects.create(
            shop=shop,
            url=url,
            events=events,
            description=(description or "").strip()[:200],
            created_by=acting_user if acting_user and acting_user.is_authenticated else None,
        )


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; for 24 hours deliveries are signed with the old one too. Raises nothing."""
    now = timezone.now()
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = now + PREVIOUS_SECRET_VALIDITY
        locked.secret = new_webhook_secret()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return locked


def webhook_endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    """Enable (the failure count starts afresh) or disable an endpoint by hand. Raises nothing."""
    fields = {"is_active": active}
    if active:
        fields.update(disabled_at=None, disabled_reason="", failing_since=None)
    else:
        fields.update(disabled_at=timezone.now(), disabled_reason=_("Disabled by hand."))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**fields)
    endpoint.refresh_from_db()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log. Raises nothing."""
    endpoint.delete()
