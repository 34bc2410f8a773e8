"""The customer is emailed about a refund, after commit, in their language, exactly once, and
the email is not lost when the broker or the mail server is briefly down."""

import time
from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from refunds.tasks import notify_customer_of_refund, notify_pending_refund_notifications

from orders.models import Order, OrderEvent, OrderEventKind
from refunds import services
from refunds.models import Refund
from tests.refunds.conftest import lines_of, make_refund

pytestmark = pytest.mark.django_db


def _create(api, order, body):
    response = api.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json")
    assert response.status_code == 201, response.json()
    return Refund.objects.get(pk=response.json()["id"])


def _later(minutes=6):
    return timezone.now() + timedelta(minutes=minutes)


def test_the_email_is_sent_only_after_the_transaction_commits(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _create(api, shipped_order, {"reason": "goodwill", "amount": "5.00"})
        assert mail.outbox == []

    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1


def test_a_refused_refund_queues_no_email(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        api.post(
            f"/api/v1/orders/{shipped_order.pk}/refunds/",
            {"reason": "goodwill", "amount": "99.00"},
            format="json",
        )

    assert callbacks == []
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

    email = mail.outbox[0]
    assert email.to == ["maria@example.com"]
    assert email.extra_headers["Content-Language"] == "en"
    assert "NOR-5001" in email.subject
    assert "Refund of your order NOR-5001" in email.subject
    assert "1 × Libro: 10.00 EUR" in email.body
    assert "Shipping: 4.95 EUR" in email.body
    assert "Total refunded: 14.95 EUR" in email.body
    assert "Reason: Damaged item" in email.body  # the English label of the operator's list
    assert email.reply_to == [shipped_order.shop.email]


@pytest.mark.parametrize("language", ["es", "", "fr"])
def test_the_email_is_in_spanish_unless_the_customer_speaks_english(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks, language
):
    Order.objects.filter(pk=shipped_order.pk).update(customer_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        _create(api, shipped_order, {"reason": "goodwill", "amount": "10.50"})

    email = mail.outbox[0]
    assert email.extra_headers["Content-Language"] == "es"
    # Amounts are written the Spanish way: a decimal comma.
    assert "10,50 EUR" in email.body


def test_sending_is_recorded_on_the_refund_and_the_order_timeline(
    api, shipped_order, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = _create(api, shipped_order, {"reason": "goodwill", "amount": "5.00"})

    refund.refresh_from_db()
    assert refund.notified_at is not None
    assert refund.notification_attempts == 1
    event = OrderEvent.objects.get(order=shipped_order, kind=OrderEventKind.CUSTOMER_NOTIFIED)
    assert "maria@example.com" in event.message


def test_a_refund_is_kept_when_the_broker_is_down_and_the_sweep_sends_its_email_later(
    api, shipped_order, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(
            notify_customer_of_refund, "apply_async", side_effect=ConnectionError("broker down")
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
    assert "sweep will send it" in caplog.text

    result = services.refund_notifications_send_pending(now=_later())

    assert result.sent == 1
    assert len(mail.outbox) == 1
    assert Refund.objects.get().notified_at is not None


def test_a_mail_failure_releases_the_claim_so_a_retry_sends_it(seller, shipped_order):
    refund = make_refund(shipped_order, seller, amount="5.00").refund

    with (
        mock.patch("refunds.services.EmailMessage.send", side_effect=SMTPException("down")),
        pytest.raises(SMTPException),
    ):
        services.refund_notify_customer(refund_id=refund.pk)
    sent = services.refund_notify_customer(refund_id=refund.pk)

    refund.refresh_from_db()
    assert sent is True
    assert refund.notification_attempts == 2
    assert len(mail.outbox) == 1


def test_the_task_retries_while_the_mail_server_fails(seller, shipped_order, eager_celery):
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    real_send = mail.EmailMessage.send
    failures = iter([SMTPException("busy"), OSError("connection refused")])

    def flaky_send(message, *args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_send(message, *args, **kwargs)

    with mock.patch("refunds.services.EmailMessage.send", flaky_send):
        notify_customer_of_refund.apply(args=(refund.pk,))

    refund.refresh_from_db()
    assert len(mail.outbox) == 1
    assert refund.notification_attempts == 3
    assert refund.notified_at is not None


def test_the_email_is_never_sent_twice(seller, shipped_order):
    refund = make_refund(shipped_order, seller, amount="5.00").refund

    first = services.refund_notify_customer(refund_id=refund.pk)
    again = services.refund_notify_customer(refund_id=refund.pk)
    sweep = services.refund_notifications_send_pending(now=_later())

    assert (first, again, sweep.claimed) == (True, False, 0)
    assert len(mail.outbox) == 1


def test_two_sweeps_send_each_pending_email_once(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")
    make_refund(shipped_order, seller, amount="6.00")

    first = services.refund_notifications_send_pending(now=_later())
    second = services.refund_notifications_send_pending(now=_later())

    assert (first.sent, second.claimed) == (2, 0)
    assert len(mail.outbox) == 2


def test_the_sweep_leaves_young_refunds_to_their_task(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")

    result = services.refund_notifications_send_pending(now=timezone.now())

    assert result.claimed == 0
    assert mail.outbox == []


def test_the_sweep_skips_a_refund_claimed_by_a_live_sender_but_takes_over_a_stale_claim(
    seller, shipped_order
):
    refund = make_refund(shipped_order, seller, amount="5.00").refund
    Refund.objects.filter(pk=refund.pk).update(notification_claimed_at=timezone.now())

    while_claimed = services.refund_notifications_send_pending(now=_later())
    after_timeout = services.refund_notifications_send_pending(now=_later(minutes=20))

    assert while_claimed.claimed == 0
    assert after_timeout.sent == 1
    assert len(mail.outbox) == 1


def test_the_sweep_keeps_going_when_one_email_fails(seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")
    make_refund(shipped_order, seller, amount="6.00")
    real_send = mail.EmailMessage.send
    calls = []

    def fail_first(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 1:
            raise SMTPException("busy")
        return real_send(message, *args, **kwargs)

    with mock.patch("refunds.services.EmailMessage.send", fail_first):
        result = services.refund_notifications_send_pending(now=_later())
    retried = services.refund_notifications_send_pending(now=_later())

    assert (result.sent, result.failed, retried.sent) == (1, 1, 1)
    assert len(mail.outbox) == 2


def test_a_customer_without_email_is_marked_done_without_sending(seller, shipped_order):
    Order.objects.filter(pk=shipped_order.pk).update(customer_email="")
    refund = make_refund(shipped_order, seller, amount="5.00").refund

    services.refund_notify_customer(refund_id=refund.pk)

    refund.refresh_from_db()
    assert refund.notified_at is not None
    assert mail.outbox == []
    assert not OrderEvent.objects.filter(kind=OrderEventKind.CUSTOMER_NOTIFIED).exists()


def test_the_sweep_runs_every_ten_minutes_from_beat(settings, seller, shipped_order):
    entry = settings.CELERY_BEAT_SCHEDULE["refund-notifications"]
    make_refund(shipped_order, seller, amount="5.00")
    Refund.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    result = notify_pending_refund_notifications()

    assert entry["task"] == notify_pending_refund_notifications.name
    assert entry["schedule"] == timedelta(minutes=10)
    assert result["sent"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_redis_broker_sends_the_email(api, shipped_order, settings):
    from celery.contrib.testing.worker import start_worker

    from sellerdesk.celery import app

    # The suite runs against the real Redis (make test sets REDIS_URL): never skip this one.
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run the tests with REDIS_URL set"
    assert not app.conf.task_always_eager
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        refund = _create(api, shipped_order, {"reason": "goodwill", "amount": "5.00"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not mail.outbox:
            time.sleep(0.1)

    assert len(mail.outbox) == 1
    assert "NOR-5001" in mail.outbox[0].subject
    refund.refresh_from_db()
    assert refund.notified_at is not None
