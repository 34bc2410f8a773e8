"""Nothing lost: a mail server or a broker that is down when a change happens delays its notices;
once they are back the notices go out, each exactly once, also with two sweeps and two workers
racing for them (PostgreSQL row locks and conditional UPDATEs)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from messaging.services import reply_deadlines_flag
from notifications.models import DeliveryAttempt, Notice, NoticeState, RecipientKind
from notifications.services import (
    Event,
    notices_deliver,
    notices_emit,
    notices_send_due,
    shop_recipient,
)
from notifications.tasks import send_due_notices
from refunds import services as refund_services
from refunds.models import Refund
from tests.factories import OrderFactory, ShopFactory
from tests.incidents.conftest import open_incident
from tests.messaging.conftest import customer_thread
from tests.notifications.conftest import broker, celery_worker
from tests.refunds.conftest import make_refund


@pytest.mark.django_db
def test_the_mail_server_failing_during_the_changes_loses_nothing_and_each_notice_goes_once(
    smtp_sink,
    shop,
    seller,
    operator,
    eager_celery,
    send_outbox,
    django_capture_on_commit_callbacks,
):
    refunded = OrderFactory.shipped(shop=shop, reference="NOR-7001")
    refund = make_refund(refunded, seller, amount="5.00").refund
    customer_thread(OrderFactory(shop=shop, reference="NOR-7002"), hours_ago=50)
    incident_order = OrderFactory.shipped(shop=shop, reference="NOR-7003")
    send_outbox()  # the refund's creation, told while the mail server worked
    assert len(smtp_sink.messages) == 2

    # Given the mail server refuses everything, when the deadline job runs, an incident opens
    # and the operator refuses the refund (each delivery is tried right after its commit),
    smtp_sink.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        flagged = reply_deadlines_flag()
        open_incident(incident_order, operator)
        refund_services.refund_refuse(refund=refund, acting_user=operator, reason="Sin fondos")

    # then every change is committed and every notice waits for a retry, none sent.
    assert len(flagged.overdue) == 1
    assert Refund.objects.get(pk=refund.pk).state == "REFUSED"
    waiting = Notice.objects.filter(state=NoticeState.PENDING)
    assert sorted(waiting.values_list("event", "recipient_kind")) == [
        ("incident.opened", RecipientKind.SHOP),
        ("refund.refused", RecipientKind.CUSTOMER),
        ("refund.refused", RecipientKind.SHOP),
        ("thread.deadlines", RecipientKind.SHOP),
    ]
    assert all(notice.attempts == 1 and "451" in notice.last_error for notice in waiting)
    assert smtp_sink.refused == 4 and len(smtp_sink.messages) == 2

    # When the mail server answers again, the sweep sends each notice once; a second sweep
    # finds nothing to send.
    smtp_sink.failing = False
    later = timezone.now() + timedelta(minutes=5)
    first = notices_send_due(now=later)
    second = notices_send_due(now=later + timedelta(minutes=5))

    assert (first.sent, second.claimed) == (4, 0)
    subjects = sorted(str(message["Subject"]) for message in smtp_sink.messages[2:])
    assert len(subjects) == 4
    assert sum("NOR-7003" in subject for subject in subjects) == 1
    assert sum("NOR-7001" in subject for subject in subjects) == 2
    assert sum("conversación" in subject for subject in subjects) == 1
    assert not Notice.objects.exclude(state=NoticeState.SENT).exists()


def _digest_events(shop, count):
    recipient = shop_recipient(shop)
    return [
        Event(
            type="incident.reminder",
            key=f"race:{index}",
            shop=shop,
            recipients=[recipient],
            params={"hours": 24, "list_path": "/incidents/", "incidents": []},
        )
        for index in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_two_workers_at_once_deliver_every_notice_once(smtp_sink):
    shop = ShopFactory(code="carrera")
    notices_emit(_digest_events(shop, 30))
    # Older than the grace the sweep leaves to the tasks queued at commit.
    Notice.objects.update(created_at=F("created_at") - timedelta(minutes=5))
    event_ids = list(Notice.objects.values_list("event_id", flat=True))
    start = threading.Barrier(4)
    errors = []

    def run(deliver):
        try:
            start.wait(timeout=10)
            deliver()
        except Exception as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    racers = [
        threading.Thread(target=run, args=(notices_send_due,)),
        threading.Thread(target=run, args=(notices_send_due,)),
        threading.Thread(target=run, args=(lambda: notices_deliver(event_ids=event_ids),)),
        threading.Thread(target=run, args=(lambda: notices_deliver(event_ids=event_ids),)),
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)

    assert errors == []
    assert len(smtp_sink.messages) == 30
    assert Notice.objects.filter(state=NoticeState.SENT, attempts=1).count() == 30
    assert DeliveryAttempt.objects.count() == 30


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_request_succeeds_and_the_notice_goes_out_once_redis_is_back(
    api, shop, smtp_sink, own_redis, worker_queue, caplog
):
    order = OrderFactory.shipped(shop=shop, reference="NOR-7101")
    with broker(own_redis.url):
        own_redis.stop()

        response = api.post(
            f"/api/v1/orders/{order.pk}/refunds/",
            {"reason": "goodwill", "amount": "5.00"},
            format="json",
        )

        assert response.status_code == 201
        assert "the sweep will send them" in caplog.text
        notices = Notice.objects.filter(about_id=response.json()["id"])
        assert [notice.state for notice in notices] == [NoticeState.PENDING] * 2

        own_redis.start()
        # A minute later: past the grace the sweep leaves to the task that was never queued.
        Notice.objects.update(created_at=F("created_at") - timedelta(minutes=2))
        with celery_worker(worker_queue):
            send_due_notices.apply_async(queue=worker_queue)  # what beat sends
            assert smtp_sink.wait_for(2)

    assert sorted(message["X-Envelope-To"] for message in smtp_sink.messages) == [
        "maria@example.com",
        shop.email,
    ]
    assert {notice.state for notice in notices.all()} == {NoticeState.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_redis_broker_sends_the_email_queued_at_commit(
    api, shop, smtp_sink, worker_queue
):
    order = OrderFactory.shipped(shop=shop, reference="NOR-7201")

    with celery_worker(worker_queue):
        response = api.post(
            f"/api/v1/orders/{order.pk}/refunds/",
            {"reason": "goodwill", "amount": "5.00"},
            format="json",
        )
        assert smtp_sink.wait_for(2)

    assert response.status_code == 201
    (to_customer,) = smtp_sink.to("maria@example.com")
    assert "NOR-7201" in str(to_customer["Subject"])
    body = api.get(f"/api/v1/refunds/{response.json()['id']}/").json()
    assert body["notified_at"] is not None
