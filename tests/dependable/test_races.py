"""Jobs racing people, on PostgreSQL (the row locks and snapshots are what is tested)."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import Incident, IncidentState
from messaging import services as messaging_services
from messaging.models import DeadlineFlag, Thread
from orders import services as order_services
from orders.models import Order, OrderState
from tests.factories import OrderFactory, SellerFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    return worker, errors


def _shipped_long_ago(shop):
    return OrderFactory.shipped(shop=shop, days_ago=60)


def test_an_incident_committed_between_the_jobs_select_and_update_keeps_the_order(shop):
    """The job's SELECT ... FOR UPDATE SKIP LOCKED ran on a snapshot without the incident; the
    incident commits before its UPDATE (what incident_open does when its lock is released just
    before the job reaches the row). The UPDATE must see the freeze and leave the order."""
    order = _shipped_long_ago(shop)
    selected, go_on = threading.Event(), threading.Event()

    def pause_before_the_update(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('UPDATE "ORDERS_ORDER"') and not selected.is_set():
            selected.set()
            assert go_on.wait(20)
        return execute(sql, params, many, context)

    def job():
        with connection.execute_wrapper(pause_before_the_update):
            order_services.orders_advance()

    worker, errors = _in_thread(job)
    assert selected.wait(20), "the job never reached its UPDATE"
    # The job holds the order's row lock now, and the incident's foreign-key check would wait
    # for it; in the real window the incident committed just before the job took the lock.
    # Skipping the FK trigger for this one insert writes that same committed state.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        Incident.objects.create(
            shop=shop,
            order=order,
            opened_by="CUSTOMER",
            reason="item_damaged",
            description="Llegó roto.",
            state=IncidentState.OPEN,
            opened_at=timezone.now(),
            waiting_since=timezone.now(),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
    go_on.set()
    worker.join(30)

    assert not errors, errors
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPED
    assert order.received_at is None
    assert not order.events.filter(kind="received").exists()


def test_the_job_and_incident_openings_at_the_same_moment_never_move_a_frozen_order(shop):
    orders = [_shipped_long_ago(shop) for _ in range(12)]
    barrier = threading.Barrier(2)

    def open_incidents():
        barrier.wait()
        for order in orders:
            incident_services.incident_open(
                order=Order.objects.get(pk=order.pk),
                opened_by="customer".upper(),
                reason="item_damaged",
                description="Llegó roto.",
            )

    def job():
        barrier.wait()
        for _ in range(3):
            order_services.orders_advance()

    workers = [_in_thread(open_incidents), _in_thread(job)]
    for worker, _errors in workers:
        worker.join(60)
    for _worker, errors in workers:
        assert not errors, errors

    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        incident = Incident.objects.get(order=order)
        if order.received_at is not None:
            # Moved: only if the move came before the incident existed.
            assert order.received_at <= incident.opened_at


def test_a_shop_reply_racing_the_deadline_job_is_not_flagged_overdue(shop):
    seller = SellerFactory(shop=shop)
    order = OrderFactory.shipped(shop=shop)
    thread = customer_thread(order, hours_ago=100)
    replied, go_on = threading.Event(), threading.Event()

    def reply():
        # The reply is written, its transaction still open (the thread row locked).
        with transaction.atomic():
            messaging_services.message_post(
                thread=Thread.objects.get(pk=thread.pk),
                body="Sale hoy.",
                to_customer=True,
                to_operator=False,
                acting_user=seller,
            )
            replied.set()
            assert go_on.wait(20)

    outcome = {}

    def job():
        outcome["result"] = messaging_services.reply_deadlines_flag()

    replier, reply_errors = _in_thread(reply)
    assert replied.wait(20)
    flagger, job_errors = _in_thread(job)
    flagger.join(1)
    assert flagger.is_alive(), "the job must wait for the reply's row lock"
    go_on.set()
    replier.join(30)
    flagger.join(30)

    assert not reply_errors and not job_errors, (reply_errors, job_errors)
    thread.refresh_from_db()
    assert thread.reply_needed_since is None
    assert thread.deadline_flag == DeadlineFlag.NONE
    assert outcome["result"].overdue == []


def test_without_a_reply_the_same_thread_is_flagged(shop):
    order = OrderFactory.shipped(shop=shop)
    thread = customer_thread(order, hours_ago=100)

    result = messaging_services.reply_deadlines_flag()

    assert [item.id for item in result.overdue] == [thread.pk]
