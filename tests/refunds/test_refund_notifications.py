"""A refund tells the customer and the shop, after commit, each in their language, exactly once;
the notices are outbox rows written with the refund, so a broker or a mail server that is down
delays them and never loses them."""

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone, translation

from notifications import services as outbox
from notifications.models import Notice, NoticeState, RecipientKind
from notifications.tasks import deliver_notices, send_due_notices
from orders.models import Order, OrderEvent, OrderEventKind
from refunds import services
from refunds.models import Refund
from refunds.notices import REFUND_CREATED, refund_notices_emit
from tests.refunds.conftest import lines_of, make_refund

pytestmark = pytest.mark.django_db


def _create(api, order, body):
    response = api.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json")
    assert response.status_code == 201, response.json()
    return Refund.objects.get(pk=response.json()["id"])


def _later(minutes=2):
    return timezone.now() + timedelta(minutes=minutes)


def _customer_notice(refund, event="refund.created"):
    return Notice.objects.get(
        about_type="refunds.refund",
        about_id=refund.pk,
        event=event,
        recipient_kind=RecipientKind.CUSTOMER,
    )


def _to_customer():
    return [email for email in mail.outbox if email.to == ["maria@example.com"]]


def test_the_notices_are_written_with_the_refund_and_sent_only_after_commit(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refund = _create(api, shipped_order, {"reason": "goodwill", "amount": "5.00"})
        assert mail.outbox == []
        assert _customer_notice(refund).state == NoticeState.PENDING

    for callback in callbacks:
        callback()

    assert len(_to_customer()) == 1
    assert [email.to for email in mail.outbox if email not in _to_customer()] == [
        [shipped_order.shop.email]
    ]


def test_a_refused_refund_request_writes_no_notice(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        api.post(
            f"/api/v1/orders/{shipped_order.pk}/refunds/",
            {"reason": "goodwill", "amount": "99.00"},
            format="json",
        )

    assert callbacks == []
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_the_email_lists_the_amounts_and_the_order_in_the_customers_language(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=shipped_order.pk).update(customer_language="en")
    book = lines_of(shipped_order)["SKU-1"]

    with django_capture_on_commit_callbacks(execute=True):
        _create(
            api,
            shipped_order,
            {
                "reason": "damaged_item",
                "lines": [{"line": book.pk, "quantity": 1}],
                "shipping_amount": "4.95",
            },
        )

    (email,) = _to_customer()
    assert email.extra_headers["Content-Language"] == "en"
    assert "Refund of your order NOR-5001" in email.subject
    assert "1 × Libro: €10.00" in email.body
    assert "Shipping: €4.95" in email.body
    assert "Total refunded: €14.95" in email.body
    assert "Reason: Damaged item" in email.body  # the English label of the operator's list
    assert email.reply_to == [shipped_order.shop.email]


@pytest.mark.parametrize("language", ["es", "", "fr"])
def test_the_email_is_in_spanish_unless_the_customer_speaks_english(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks, language
):
    Order.objects.filter(pk=shipped_order.pk).update(customer_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        _create(api, shipped_order, {"reason": "goodwill", "amount": "10.50"})

    (email,) = _to_customer()
    assert email.extra_headers["Content-Language"] == "es"
    # Amounts are written the Spanish way: a decimal comma.
    assert "10,50\xa0€" in email.body
    assert "Gesto comercial" in email.body


def test_sending_is_recorded_on_the_outbox_the_api_and_the_order_timeline(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = _create(api, shipped_order, {"reason": "goodwill", "amount": "5.00"})

    notice = _customer_notice(refund)
    assert (notice.state, notice.attempts) == (NoticeState.SENT, 1)
    event = OrderEvent.objects.get(order=shipped_order, kind=OrderEventKind.CUSTOMER_NOTIFIED)
    assert "maria@example.com" in event.message
    body = api.get(f"/api/v1/refunds/{refund.pk}/").json()
    assert body["notified_at"] is not None


def test_a_refund_is_kept_when_the_broker_is_down_and_the_sweep_sends_its_email_later(
    api, shipped_order, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(
            deliver_notices, "apply_async", side_effect=ConnectionError("broker down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.post(
            f"/api/v1/orders/{shipped_order.pk}/refunds/",
            {"reason": "goodwill", "amount": "5.00"},
            format="json",
        )

    assert response.status_code == 201
    assert mail.outbox == []
    assert "the sweep will send them" in caplog.text

    result = outbox.notices_send_due(now=_later())

    assert result.sent == 2  # the customer and the shop
    assert len(_to_customer()) == 1
    assert _customer_notice(Refund.objects.get()).state == NoticeState.SENT


def test_a_mail_failure_releases_the_claim_so_a_retry_sends_it(seller, shipped_order, settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    notice = _customer_notice(refund)

    with mock.patch("notifications.email.EmailMessage.message", side_effect=SMTPException("down")):
        first = outbox.notices_deliver(notice_ids=[notice.pk])
    again = outbox.notices_deliver(notice_ids=[notice.pk])

    notice.refresh_from_db()
    assert (first.failed, again.sent) == (1, 1)
    assert (notice.state, notice.attempts) == (NoticeState.SENT, 2)
    assert [attempt.succeeded for attempt in notice.attempt_log.all()] == [False, True]
    assert len(_to_customer()) == 1


def test_the_task_retries_with_backoff_while_the_mail_server_fails(
    seller, shipped_order, eager_celery, settings
):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0  # no wait: the eager retries run at once
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    notice = _customer_notice(refund)
    real_message = mail.EmailMessage.message
    failures = iter([SMTPException("busy"), OSError("connection refused")])

    def flaky(message, *args, **kwargs):
        error = next(failures, None) if message.to == ["maria@example.com"] else None
        if error:
            raise error
        return real_message(message, *args, **kwargs)

    with mock.patch("notifications.email.EmailMessage.message", flaky):
        deliver_notices.apply(kwargs={"notice_ids": [notice.pk]})

    notice.refresh_from_db()
    assert len(_to_customer()) == 1
    assert (notice.state, notice.attempts) == (NoticeState.SENT, 3)


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 3600

    delays = [outbox.retry_delay(attempts) for attempts in (1, 2, 3, 8, 20)]

    for delay, expected in zip(delays, [30, 60, 120, 3600, 3600], strict=True):
        assert expected <= delay <= expected * 1.1


def test_the_email_is_never_sent_twice(seller, shipped_order):
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    notice = _customer_notice(refund)

    first = outbox.notices_deliver(notice_ids=[notice.pk])
    again = outbox.notices_deliver(notice_ids=[notice.pk])
    sweep = outbox.notices_send_due(now=_later())

    # The sweep finds only the shop's notice, left aside by the delivery of the customer's.
    assert (first.sent, again.claimed, sweep.claimed) == (1, 0, 1)
    assert len(_to_customer()) == 1


def test_one_event_never_makes_two_notices_for_one_recipient(seller, shipped_order):
    refund = make_refund(shipped_order, seller, amount="5.00").refund

    refund_notices_emit(refund=refund, order=shipped_order, event=REFUND_CREATED)

    assert Notice.objects.filter(about_id=refund.pk).count() == 2


def test_two_sweeps_send_each_pending_email_once(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")
    make_refund(shipped_order, seller, amount="6.00")

    first = outbox.notices_send_due(now=_later())
    second = outbox.notices_send_due(now=_later())

    assert (first.sent, second.claimed) == (4, 0)
    assert len(_to_customer()) == 2


def test_the_sweep_leaves_a_notice_written_a_moment_ago_to_its_task(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")

    result = outbox.notices_send_due(now=timezone.now())

    assert result.claimed == 0
    assert mail.outbox == []


def test_the_sweep_skips_a_notice_claimed_by_a_live_sender_but_takes_over_a_stale_claim(
    seller, shipped_order
):
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    Notice.objects.filter(about_id=refund.pk).update(
        state=NoticeState.SENDING, claimed_at=timezone.now(), attempts=1
    )

    while_claimed = outbox.notices_send_due(now=_later())
    after_timeout = outbox.notices_send_due(now=_later(minutes=20))

    assert while_claimed.claimed == 0
    assert after_timeout.sent == 2
    assert len(_to_customer()) == 1


def test_the_sweep_keeps_going_when_one_email_fails(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")
    make_refund(shipped_order, seller, amount="6.00")
    real_message = mail.EmailMessage.message
    calls = []

    def fail_first(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 1:
            raise SMTPException("busy")
        return real_message(message, *args, **kwargs)

    with mock.patch("notifications.email.EmailMessage.message", fail_first):
        result = outbox.notices_send_due(now=_later())
    retried = outbox.notices_send_due(now=_later(minutes=5))

    assert (result.sent, result.failed, retried.sent) == (3, 1, 1)
    assert len(mail.outbox) == 4


def test_a_customer_without_email_gets_no_notice_and_no_timeline_step(
    seller, shipped_order, send_outbox
):
    Order.objects.filter(pk=shipped_order.pk).update(customer_email="")
    shipped_order.refresh_from_db()
    refund = make_refund(shipped_order, seller, amount="5.00").refund

    send_outbox()

    assert not Notice.objects.filter(about_id=refund.pk, recipient_kind="CUSTOMER").exists()
    assert [email.to for email in mail.outbox] == [[shipped_order.shop.email]]
    assert not OrderEvent.objects.filter(kind=OrderEventKind.CUSTOMER_NOTIFIED).exists()


@pytest.mark.parametrize(
    ("decide", "event", "customer_words", "shop_words"),
    [
        (
            lambda refund, operator: services.refund_confirm(refund=refund, acting_user=operator),
            "refund.confirmed",
            "ha sido pagado",
            "No hace falta hacer nada más",
        ),
        (
            lambda refund, operator: services.refund_refuse(
                refund=refund, acting_user=operator, reason="Pago rechazado por el banco"
            ),
            "refund.refused",
            "no llegará ningún importe",
            "Pago rechazado por el banco",
        ),
    ],
)
def test_the_operators_decision_tells_the_customer_and_the_shop_what_it_means_for_each(
    seller, operator, shipped_order, send_outbox, decide, event, customer_words, shop_words
):
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    send_outbox()
    mail.outbox.clear()

    with translation.override("en"):
        decide(refund, operator)  # the operator works in English: the mail stays Spanish
    send_outbox()

    by_recipient = {tuple(email.to): email for email in mail.outbox}
    assert set(by_recipient) == {("maria@example.com",), (shipped_order.shop.email,)}
    assert customer_words in by_recipient[("maria@example.com",)].body
    assert shop_words in by_recipient[(shipped_order.shop.email,)].body
    assert _customer_notice(refund, event).state == NoticeState.SENT
    assert (
        OrderEvent.objects.filter(
            order=shipped_order, kind=OrderEventKind.CUSTOMER_NOTIFIED
        ).count()
        == 2
    )


def test_the_sweep_runs_every_minute_from_beat(settings, seller, shipped_order):
    entry = settings.CELERY_BEAT_SCHEDULE["send-due-notices"]
    make_refund(shipped_order, seller, amount="5.00")
    Notice.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    result = send_due_notices()

    assert entry["task"] == send_due_notices.name
    assert entry["schedule"] == timedelta(minutes=1)
    assert result["sent"] == 2
