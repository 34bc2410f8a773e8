"""Reply delay, the 48-hour share, and threads awaiting a reply / overdue now."""

from datetime import timedelta

import pytest

from messaging.models import Reason, ReasonKind, ReplyWait, Side, Thread
from messaging.services import message_import, message_post, thread_mark_no_reply_needed
from stats.selectors import daily_series, shop_quality
from tests.factories import OrderFactory
from tests.stats.conftest import at_time, local

pytestmark = pytest.mark.django_db


def _thread(shop, **fields):
    """A thread about an order with the customer and the operator, nothing written in it yet."""
    reason, _created = Reason.objects.get_or_create(
        kind=ReasonKind.MESSAGE, code="stats-test", defaults={"label_es": "x", "label_en": "x"}
    )
    fields.setdefault("with_customer", True)
    fields.setdefault("with_operator", True)
    fields.setdefault("order", OrderFactory(shop=shop))
    return Thread.objects.create(shop=shop, reason=reason, subject="Pregunta", **fields)


def _message(thread, author, at):
    """A message through the messaging services, at time `at` (so the deadline rule applies)."""
    with at_time(at):
        if author == Side.SHOP:
            return message_post(
                thread=thread, body="…", to_customer=True, to_operator=False, acting_user=None
            )
        return message_import(thread=thread, author=author, body="…", acting_user=None)


def _no_reply_needed(thread, at):
    with at_time(at):
        thread_mark_no_reply_needed(thread=thread, reason="Dio las gracias.", acting_user=None)


def _answered(shop, asked_at, after: timedelta, author=Side.CUSTOMER):
    thread = _thread(shop)
    _message(thread, author, asked_at)
    _message(thread, Side.SHOP, asked_at + after)
    return thread


def test_it_measures_average_median_and_the_48_hour_share(shop, now):
    _answered(shop, local(14, 9), timedelta(hours=2))
    _answered(shop, local(15, 9), timedelta(hours=10), author=Side.OPERATOR)
    _answered(shop, local(16, 9), timedelta(hours=50))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.messages_answered == 3
    assert stats.current.reply_delay_average.total_seconds() / 3600 == pytest.approx(
        20.6667, abs=1e-3
    )
    assert stats.current.reply_delay_median == timedelta(hours=10)
    assert stats.current.answered_within_deadline == 2
    assert stats.current.answered_after_deadline == 1
    assert stats.current.within_deadline_share == pytest.approx(2 / 3)


def test_the_wait_starts_at_the_earliest_unanswered_message(shop, now):
    thread = _thread(shop)
    _message(thread, Side.CUSTOMER, local(15, 8))
    _message(thread, Side.CUSTOMER, local(15, 11))  # a reminder, same wait
    _message(thread, Side.SHOP, local(15, 12))
    _message(thread, Side.SHOP, local(15, 13))  # a second shop message answers nothing new
    _message(thread, Side.OPERATOR, local(16, 8))  # a new wait
    _message(thread, Side.SHOP, local(16, 9))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.messages_answered == 2
    assert stats.current.reply_delay_median == timedelta(hours=2.5)  # 4 h and 1 h


def test_an_unanswered_message_past_48_hours_counts_as_late_and_a_younger_one_not_yet(shop, now):
    _answered(shop, local(14, 9), timedelta(hours=1))
    late = _thread(shop)
    _message(late, Side.CUSTOMER, now - timedelta(hours=49))
    pending = _thread(shop)
    _message(pending, Side.CUSTOMER, now - timedelta(hours=3))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.answered_within_deadline == 1
    assert stats.current.answered_after_deadline == 1
    assert stats.current.within_deadline_share == pytest.approx(1 / 2)
    assert stats.current.reply_delay_average == timedelta(hours=1)


def test_a_wait_closed_with_no_reply_needed_is_left_out(shop, now):
    thread = _thread(shop)
    _message(thread, Side.CUSTOMER, now - timedelta(hours=70))
    _no_reply_needed(thread, now - timedelta(hours=60))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.answered_after_deadline == 0
    assert stats.current.within_deadline_share is None


def test_a_message_exactly_at_the_start_counts_and_one_before_is_the_previous_period(
    shop, now, week
):
    _answered(shop, week.start, timedelta(hours=3))
    _answered(shop, week.start - timedelta(seconds=1), timedelta(hours=5))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.reply_delay_median == timedelta(hours=3)
    assert stats.previous.reply_delay_median == timedelta(hours=5)
    assert stats.previous.messages_answered == 1


def test_another_shops_messages_never_count(shop, other_shop, now):
    _answered(other_shop, local(15), timedelta(hours=70))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.messages_answered == 0
    assert stats.current.reply_delay_average is None


def test_it_counts_threads_awaiting_a_reply_and_overdue_now(shop, other_shop, now):
    _thread(
        shop, reply_needed_since=now - timedelta(hours=50), reply_due_at=now - timedelta(hours=2)
    )
    _thread(
        shop, reply_needed_since=now - timedelta(hours=5), reply_due_at=now + timedelta(hours=43)
    )
    _thread(shop)
    _thread(
        other_shop,
        reply_needed_since=now - timedelta(hours=50),
        reply_due_at=now - timedelta(hours=2),
    )

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.threads_awaiting_reply == 2
    assert stats.threads_overdue == 1


def test_the_daily_series_splits_within_and_after_48_hours_by_the_day_of_the_message(
    shop, now, week
):
    _answered(shop, local(14, 9), timedelta(hours=2))
    _answered(shop, local(14, 10), timedelta(hours=60))
    _answered(shop, local(16, 9), timedelta(hours=1))
    unanswered = _thread(shop)
    _message(unanswered, Side.CUSTOMER, local(17, 9))

    series = daily_series(shop=shop, period=week)

    assert series.answered_within == [1, 0, 1, 0, 0, 0, 0]
    assert series.answered_after == [1, 0, 0, 0, 0, 0, 0]
    assert series.unanswered_after == [0, 0, 0, 1, 0, 0, 0]


# --- Issue 11's counterexample: the statistics follow the messaging service's rule -------------


def test_no_reply_needed_ends_a_wait_and_a_later_customer_message_starts_a_new_one(shop, now):
    """Customer at −100 h, "no reply needed" at −99 h, customer again at −10 h, shop reply at
    −9 h: one wait answered in 1 h, not one reply 3 days 19 h late."""
    thread = _thread(shop)
    _message(thread, Side.CUSTOMER, now - timedelta(hours=100))
    _no_reply_needed(thread, now - timedelta(hours=99))
    _message(thread, Side.CUSTOMER, now - timedelta(hours=10))
    _message(thread, Side.SHOP, now - timedelta(hours=9))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.messages_answered == 1
    assert stats.current.reply_delay_average == timedelta(hours=1)
    assert stats.current.reply_delay_median == timedelta(hours=1)
    assert stats.current.answered_within_deadline == 1
    assert stats.current.answered_after_deadline == 0


def test_the_statistics_waits_are_the_deadline_s_waits(shop, now):
    """The thread's reply_needed_since is always the start of its one open wait."""
    thread = _thread(shop)
    _message(thread, Side.CUSTOMER, now - timedelta(hours=30))
    _message(thread, Side.OPERATOR, now - timedelta(hours=20))  # joins the same wait
    thread.refresh_from_db()

    open_wait = ReplyWait.objects.get(thread=thread, ended_at__isnull=True)
    assert open_wait.started_at == thread.reply_needed_since == now - timedelta(hours=30)
    assert open_wait.due_at == thread.reply_due_at

    _message(thread, Side.SHOP, now - timedelta(hours=1))
    thread.refresh_from_db()
    assert thread.reply_needed_since is None
    assert not ReplyWait.objects.filter(thread=thread, ended_at__isnull=True).exists()
    assert ReplyWait.objects.get(thread=thread).replied_at == now - timedelta(hours=1)


def test_a_wait_left_open_past_its_due_time_counts_as_late_until_no_reply_needed(shop, now):
    thread = _thread(shop)
    _message(thread, Side.CUSTOMER, now - timedelta(hours=60))
    assert shop_quality(shop=shop, period="7d", now=now).current.answered_after_deadline == 1

    _no_reply_needed(thread, now - timedelta(hours=1))

    assert shop_quality(shop=shop, period="7d", now=now).current.answered_after_deadline == 0
