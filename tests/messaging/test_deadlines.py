"""The 48-hour reply deadline: since the earliest unanswered message, due 48 h later, cleared by
a shop reply or "no reply needed"; the status computed from stored times and now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import selectors, services
from messaging.models import DeadlineFlag, Thread
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


def status_in_sql(thread, now):
    return selectors.thread_list(shop=thread.shop, now=now).get(pk=thread.pk).deadline_status


def status_both_ways(thread, now):
    """The SQL annotation and the Python rule must agree."""
    thread = Thread.objects.get(pk=thread.pk)
    in_sql = status_in_sql(thread, now)
    assert in_sql == selectors.deadline_status_at(thread, now)
    return in_sql


@pytest.fixture
def asked(order):
    """A customer message sent exactly at a known time."""
    thread = customer_thread(order, hours_ago=0)
    return Thread.objects.get(pk=thread.pk)


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(0), "ok"),
        (timedelta(hours=35, minutes=59), "ok"),
        (timedelta(hours=36), "ok"),  # exactly 12 h left is not "less than 12 h"
        (timedelta(hours=36, minutes=1), "due_soon"),
        (timedelta(hours=47, minutes=59), "due_soon"),
        (timedelta(hours=48), "overdue"),
        (timedelta(hours=48, minutes=1), "overdue"),
        (timedelta(days=10), "overdue"),
    ],
)
def test_the_status_at_the_boundaries(asked, elapsed, expected):
    now = asked.reply_needed_since + elapsed

    assert status_both_ways(asked, now) == expected


def test_a_customer_message_is_due_48_hours_later(asked):
    assert asked.reply_due_at - asked.reply_needed_since == timedelta(hours=48)


def test_the_deadline_hours_come_from_the_settings(order, settings):
    settings.REPLY_DEADLINE_HOURS, settings.REPLY_DUE_SOON_HOURS = 24, 6
    thread = customer_thread(order)
    thread.refresh_from_db()

    assert thread.reply_due_at - thread.reply_needed_since == timedelta(hours=24)
    assert status_both_ways(thread, thread.reply_needed_since + timedelta(hours=18, minutes=1)) == (
        "due_soon"
    )


def test_a_shop_reply_clears_the_deadline(asked, seller):
    services.message_post(
        thread=asked, body="Sale mañana.", to_customer=True, to_operator=False, acting_user=seller
    )
    asked.refresh_from_db()

    assert asked.reply_needed_since is None and asked.reply_due_at is None
    assert status_both_ways(asked, timezone.now() + timedelta(days=5)) == "none"


def test_no_reply_needed_clears_the_deadline_and_is_recorded(asked, seller):
    services.thread_mark_no_reply_needed(
        thread=asked, reason="Solo da las gracias", acting_user=seller
    )
    asked.refresh_from_db()

    assert status_both_ways(asked, timezone.now() + timedelta(days=5)) == "none"
    assert asked.no_reply_needed_reason == "Solo da las gracias"
    assert asked.no_reply_needed_by == seller and asked.no_reply_needed_at is not None


def test_no_reply_needed_is_refused_when_nothing_awaits_a_reply(order, seller):
    from tests.messaging.conftest import shop_thread

    thread = shop_thread(order, seller)

    with pytest.raises(services.InvalidState) as error:
        services.thread_mark_no_reply_needed(thread=thread, reason="x", acting_user=seller)
    assert error.value.code == "thread_not_awaiting_reply"


def test_the_deadline_counts_from_the_earliest_unanswered_message(order):
    thread = customer_thread(order, hours_ago=30)
    first = Thread.objects.get(pk=thread.pk).reply_needed_since
    services.message_import(thread=thread, author="customer", body="¿Hola?", acting_user=None)
    thread.refresh_from_db()

    assert thread.reply_needed_since == first


def test_an_operator_message_also_needs_a_reply(order, seller):
    from tests.messaging.conftest import shop_thread

    thread = shop_thread(order, seller, to="operator")
    services.message_import(
        thread=thread, author="operator", body="¿Podéis revisar?", acting_user=None
    )
    thread.refresh_from_db()

    assert thread.reply_needed_since is not None
    assert status_both_ways(thread, timezone.now()) == "ok"


def test_a_message_after_the_reply_starts_a_new_deadline(asked, seller):
    Thread.objects.filter(pk=asked.pk).update(deadline_flag=DeadlineFlag.OVERDUE)
    services.message_post(
        thread=asked, body="Respondido.", to_customer=True, to_operator=False, acting_user=seller
    )
    services.message_import(thread=asked, author="customer", body="Otra duda", acting_user=None)
    asked.refresh_from_db()

    assert asked.reply_needed_since > asked.created_at
    assert asked.deadline_flag == DeadlineFlag.NONE  # the job may flag the new deadline


def test_an_imported_message_the_shop_had_already_answered_needs_no_reply(asked, seller):
    services.message_post(
        thread=asked, body="Respondido.", to_customer=True, to_operator=False, acting_user=seller
    )
    services.message_import(
        thread=asked,
        author="customer",
        body="Escrito antes de la respuesta",
        sent_at=timezone.now() - timedelta(hours=1),
        acting_user=None,
    )
    asked.refresh_from_db()

    assert asked.reply_needed_since is None


def test_an_imported_earlier_unanswered_message_moves_the_deadline_earlier(asked):
    earlier = timezone.now() - timedelta(hours=10)
    services.message_import(
        thread=asked, author="customer", body="Antes", sent_at=earlier, acting_user=None
    )
    asked.refresh_from_db()

    assert asked.reply_needed_since == earlier
    assert asked.reply_due_at == earlier + timedelta(hours=48)


def test_a_message_cannot_be_imported_from_the_future(asked):
    with pytest.raises(services.DomainError) as error:
        services.message_import(
            thread=asked,
            author="customer",
            body="x",
            sent_at=timezone.now() + timedelta(hours=1),
            acting_user=None,
        )
    assert error.value.code == "sent_at_in_future"
