"""The deadline job: one set-based UPDATE for both states, one email per shop, nothing twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from messaging import notices, services
from messaging.models import DeadlineFlag, Thread
from messaging.notices import DEADLINES_DIGEST
from messaging.services import reply_deadlines_flag
from messaging.tasks import flag_reply_deadlines
from notifications.email import notice_email
from notifications.models import Notice
from shops.models import Shop
from tests.factories import OrderFactory, SellerFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(shop, other_shop):
    """In `shop`: one overdue, one due soon, one on time, one answered; in `other_shop`: one overdue."""
    make = lambda s, hours, subject: customer_thread(  # noqa: E731
        OrderFactory(shop=s), hours_ago=hours, subject=subject
    )
    return {
        "overdue": make(shop, 50, "Atrasado"),
        "due_soon": make(shop, 40, "Pronto"),
        "ok": make(shop, 2, "A tiempo"),
        "other_overdue": make(other_shop, 49, "Del sur"),
    }


def flags():
    return dict(Thread.objects.values_list("subject", "deadline_flag"))


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """The digests are delivered by the outbox's task as soon as the job commits."""


def run_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return reply_deadlines_flag()


def test_it_flags_threads_newly_overdue_and_due_soon(threads, django_capture_on_commit_callbacks):
    result = run_job(django_capture_on_commit_callbacks)

    assert {item.id for item in result.overdue} == {
        threads["overdue"].pk,
        threads["other_overdue"].pk,
    }
    assert [item.id for item in result.due_soon] == [threads["due_soon"].pk]
    assert flags() == {
        "Atrasado": DeadlineFlag.OVERDUE,
        "Pronto": DeadlineFlag.DUE_SOON,
        "A tiempo": DeadlineFlag.NONE,
        "Del sur": DeadlineFlag.OVERDUE,
    }


def test_it_runs_one_update_for_both_states_and_a_constant_number_of_queries(
    shop, other_shop, django_capture_on_commit_callbacks
):
    def run_with(count):
        for index in range(count):
            customer_thread(OrderFactory(shop=shop if index % 2 else other_shop), hours_ago=49)
            customer_thread(OrderFactory(shop=shop if index % 2 else other_shop), hours_ago=41)
        # The job and the notices it writes; their delivery comes after commit.
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            result = reply_deadlines_flag()
        assert len(result.overdue) == len(result.due_soon) == count
        updates = [
            q["sql"] for q in queries.captured_queries if "UPDATE messaging_thread" in q["sql"]
        ]
        assert len(updates) == 1
        return len(queries.captured_queries)

    assert run_with(2) == run_with(7)


def test_a_second_run_flags_and_sends_nothing(threads, django_capture_on_commit_callbacks):
    run_job(django_capture_on_commit_callbacks)
    mail.outbox.clear()

    second = run_job(django_capture_on_commit_callbacks)

    assert second.overdue == [] and second.due_soon == []
    assert mail.outbox == []


def test_a_due_soon_thread_is_flagged_again_when_it_becomes_overdue(
    threads, django_capture_on_commit_callbacks
):
    run_job(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        later = reply_deadlines_flag(now=timezone.now() + timedelta(hours=9))

    assert [item.id for item in later.overdue] == [threads["due_soon"].pk]


def test_a_reply_before_the_run_means_nothing_is_flagged(
    threads, seller, django_capture_on_commit_callbacks
):
    services.message_post(
        thread=threads["overdue"],
        body="Ya está",
        to_customer=True,
        to_operator=False,
        acting_user=seller,
    )

    result = run_job(django_capture_on_commit_callbacks)

    assert threads["overdue"].pk not in {item.id for item in result.overdue}


def test_each_shop_gets_one_email_listing_its_flagged_threads(
    threads, shop, other_shop, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        run_job(django_capture_on_commit_callbacks)

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(shop.email,), (other_shop.email,)}
    body = by_recipient[(shop.email,)].body
    assert "Atrasado" in body and "Pronto" in body
    assert "A tiempo" not in body and "Del sur" not in body
    assert f"/messages/{threads['overdue'].pk}/" in body


def test_the_email_goes_to_the_shops_users_when_the_shop_has_no_address(
    shop, django_capture_on_commit_callbacks
):
    shop.email = ""
    shop.save()
    SellerFactory(username="vendedora", email="vendedora@example.com", shop=shop)
    customer_thread(OrderFactory(shop=shop), hours_ago=50)

    run_job(django_capture_on_commit_callbacks)

    assert mail.outbox[0].to == ["vendedora@example.com"]


def test_no_email_is_sent_before_the_transaction_commits(
    threads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply_deadlines_flag()

    assert mail.outbox == [] and len(callbacks) == 1


def test_the_command_prints_what_it_flagged(threads):
    stdout = StringIO()
    with translation.override("en"):
        call_command("flag_reply_deadlines", stdout=stdout)
    output = stdout.getvalue()

    assert "Newly overdue: 2" in output and "Newly due soon: 1" in output
    assert "Atrasado" in output


def test_the_celery_task_runs_the_job(threads):
    assert flag_reply_deadlines() == {"due_soon": 1, "overdue": 2, "shops": 2}


def test_the_beat_schedule_runs_the_job_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["flag-reply-deadlines"]

    assert entry["task"] == "messaging.tasks.flag_reply_deadlines"
    assert entry["schedule"] == timedelta(minutes=5)


# --- The digest stores data; its email is written at delivery ---------------------------------


@pytest.mark.parametrize(
    ("language", "overdue", "due_soon", "order_word"),
    [("es", "VENCIDO", "VENCE PRONTO", "pedido"), ("en", "OVERDUE", "DUE SOON", "order")],
)
def test_the_digest_lists_the_threads_in_the_shops_language(
    threads, shop, django_capture_on_commit_callbacks, language, overdue, due_soon, order_word
):
    Shop.objects.filter(pk=shop.pk).update(language=language)

    run_job(django_capture_on_commit_callbacks)

    (email,) = [message for message in mail.outbox if message.to == [shop.email]]
    lines = email.body.splitlines()
    reference = threads["overdue"].order.reference
    assert f"- {overdue} · Atrasado ({order_word} {reference})" in lines
    assert any(line.startswith(f"- {due_soon} · Pronto (") for line in lines)
    assert f"/messages/{threads['due_soon'].pk}/" in email.body
    assert "A tiempo" not in email.body and "Del sur" not in email.body
    assert email.extra_headers["Content-Language"] == language


def test_the_job_writes_ids_and_counts_not_the_threads_text(
    threads, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        reply_deadlines_flag()

    notice = Notice.objects.get(event=DEADLINES_DIGEST, shop=shop)
    assert notice.params == {
        "overdue_ids": [threads["overdue"].pk],
        "due_soon_ids": [threads["due_soon"].pk],
        "overdue_count": 1,
        "due_soon_count": 1,
        "inbox_path": "/messages/",
        "deadline_hours": 48,
    }


def test_the_digest_lists_at_most_a_hundred_threads_and_counts_the_rest(
    shop, django_capture_on_commit_callbacks, monkeypatch
):
    for _index in range(4):
        customer_thread(OrderFactory(shop=shop), hours_ago=50)
    customer_thread(OrderFactory(shop=shop), hours_ago=40)
    monkeypatch.setattr(notices, "MAX_THREADS_PER_EMAIL", 3)
    Shop.objects.filter(pk=shop.pk).update(language="en")

    run_job(django_capture_on_commit_callbacks)

    notice = Notice.objects.get(event=DEADLINES_DIGEST, shop=shop)
    assert len(notice.params["overdue_ids"]) == 3 and len(notice.params["due_soon_ids"]) == 1
    (email,) = mail.outbox
    assert email.body.count("/messages/") == 1 + 3  # the inbox link and three threads
    assert "And 2 more." in email.body


def test_a_digest_written_with_its_threads_before_still_renders(shop):
    """Notices already in the outbox when the digest began to keep ids hold `threads`."""
    notice = Notice.objects.create(
        event=DEADLINES_DIGEST,
        event_id="msg_old",
        channel="EMAIL",
        recipient_kind="SHOP",
        address=shop.email,
        shop=shop,
        language="en",
        dedup_key="old-digest",
        params={
            "threads": [
                {
                    "id": 7,
                    "subject": "Una pregunta antigua",
                    "reference": "R-7",
                    "overdue": True,
                    "due_at": "2026-03-02T09:30:00+00:00",
                    "path": "/messages/7/",
                }
            ],
            "more": 0,
            "overdue_count": 1,
            "due_soon_count": 0,
            "inbox_path": "/messages/",
            "deadline_hours": 48,
        },
    )

    body = notice_email(notice).body

    assert "- OVERDUE · Una pregunta antigua (order R-7)" in body
    assert "/messages/7/" in body
