"""Incidents must be answered immediately: the shop is emailed when one opens (or is reopened),
the operator when the shop marks one resolved, and a reminder job nags the shop once per period.
Each email is an outbox notice written with the change and delivered once it commits."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import services, tasks
from incidents.models import IncidentEvent, IncidentEventKind, IncidentState
from notifications.models import Notice, NoticeState
from tests.factories import OrderFactory, SellerFactory, ShopFactory
from tests.incidents.conftest import IncidentFactory, open_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks, eager_celery):
    """Run what a service scheduled after commit, as a real commit would (the outbox's delivery
    task runs in the process)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_the_shop_is_emailed_at_once_when_an_incident_opens(shipped_order, operator, commit):
    incident = commit(lambda: open_incident(shipped_order, operator))

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [shipped_order.shop.email]
    assert shipped_order.reference in email.subject
    assert f"/orders/{shipped_order.pk}/" in email.body
    assert incident.description in email.body


def test_nothing_is_emailed_before_the_commit(shipped_order, operator):
    open_incident(shipped_order, operator)

    assert mail.outbox == []


def test_without_a_shop_email_the_shops_users_are_emailed(operator, commit):
    shop = ShopFactory(code="sinmail", email="")
    SellerFactory(username="ana", shop=shop, email="ana@example.com")
    SellerFactory(username="luis", shop=shop, email="luis@example.com")
    SellerFactory(username="gone", shop=shop, email="gone@example.com", is_active=False)
    order = OrderFactory.shipped(shop=shop)

    commit(lambda: open_incident(order, operator))

    assert sorted(mail.outbox[0].to) == ["ana@example.com", "luis@example.com"]


def test_the_operator_is_emailed_when_the_shop_marks_it_resolved(
    incident, seller, settings, commit, thread_posts
):
    settings.OPERATOR_EMAIL = "care@marketplace.example.com"

    commit(
        lambda: services.incident_mark_resolved(
            incident=incident,
            reason="replacement_sent",
            message="Reembolso hecho.",
            acting_user=seller,
        )
    )

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["care@marketplace.example.com"]
    assert f"#{incident.pk}" in email.subject
    assert "Reembolso hecho." in email.body
    assert f"/admin/incidents/incident/{incident.pk}/change/" in email.body


def test_the_shop_is_emailed_when_the_operator_reopens_or_closes(
    resolved_incident, operator, commit
):
    commit(
        lambda: services.incident_reopen(
            incident=resolved_incident, acting_user=operator, message="Falta la pieza."
        )
    )
    commit(
        lambda: services.incident_close(
            incident=resolved_incident, acting_user=operator, reason="replacement_sent"
        )
    )

    assert [email.to for email in mail.outbox] == [[resolved_incident.shop.email]] * 2
    assert "Falta la pieza." in mail.outbox[0].body
    assert f"#{resolved_incident.pk}" in mail.outbox[1].subject


def test_a_mail_server_failure_does_not_fail_the_committed_change(
    shipped_order, operator, commit, settings
):
    # Nothing listens on this port of the tests' range: the connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 18199

    incident = commit(lambda: open_incident(shipped_order, operator))

    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    notice = Notice.objects.get(event="incident.opened")
    assert (notice.state, notice.attempts) == (NoticeState.PENDING, 1)
    assert "Connection refused" in notice.last_error or "ConnectionRefused" in notice.last_error


# --- Reminder job ----------------------------------------------------------------------------


@pytest.fixture
def hours(settings):
    settings.INCIDENT_REMINDER_HOURS = 24
    return 24


def waiting(order, hours_waited, **kwargs):
    since = timezone.now() - timedelta(hours=hours_waited)
    return IncidentFactory(order=order, opened_at=since, waiting_since=since, **kwargs)


def test_it_reminds_the_shop_of_incidents_waiting_longer_than_the_setting(shop, hours, commit):
    due = waiting(OrderFactory.shipped(shop=shop, reference="NOR-1"), 25)
    waiting(OrderFactory.shipped(shop=shop, reference="NOR-2"), 23)

    result = commit(services.incidents_remind_waiting)

    assert (result.reminded, result.shops) == (1, 1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [shop.email]
    assert "NOR-1" in mail.outbox[0].body
    assert "NOR-2" not in mail.outbox[0].body
    due.refresh_from_db()
    assert due.last_reminded_at is not None
    assert due.events.filter(kind=IncidentEventKind.REMINDED).count() == 1


def test_it_never_reminds_of_resolved_or_closed_incidents(shop, hours, commit):
    long_ago = timezone.now() - timedelta(days=5)
    for state in (IncidentState.RESOLVED, IncidentState.CLOSED):
        IncidentFactory(order=OrderFactory.shipped(shop=shop), state=state, opened_at=long_ago)

    assert commit(services.incidents_remind_waiting).reminded == 0
    assert mail.outbox == []


def test_a_second_run_sends_nothing(shop, hours, commit):
    waiting(OrderFactory.shipped(shop=shop), 30)

    commit(services.incidents_remind_waiting)
    second = commit(services.incidents_remind_waiting)

    assert second.reminded == 0
    assert len(mail.outbox) == 1
    assert IncidentEvent.objects.filter(kind=IncidentEventKind.REMINDED).count() == 1


def test_it_reminds_again_once_per_period(shop, hours, commit):
    incident = waiting(OrderFactory.shipped(shop=shop), 60)
    now = timezone.now()

    commit(lambda: services.incidents_remind_waiting(now=now))
    within = commit(lambda: services.incidents_remind_waiting(now=now + timedelta(hours=23)))
    after = commit(lambda: services.incidents_remind_waiting(now=now + timedelta(hours=24)))

    assert (within.reminded, after.reminded) == (0, 1)
    assert incident.events.filter(kind=IncidentEventKind.REMINDED).count() == 2
    assert len(mail.outbox) == 2


def test_a_reopened_incident_waits_a_full_period_before_its_next_reminder(
    shop, operator, hours, commit
):
    three_days_ago = timezone.now() - timedelta(days=3)
    incident = IncidentFactory(
        order=OrderFactory.shipped(shop=shop, days_ago=4),
        state=IncidentState.RESOLVED,
        opened_at=three_days_ago,
        last_reminded_at=three_days_ago,
    )
    services.incident_reopen(incident=incident, acting_user=operator, message="No.")

    assert commit(services.incidents_remind_waiting).reminded == 0
    later = timezone.now() + timedelta(hours=25)
    assert commit(lambda: services.incidents_remind_waiting(now=later)).reminded == 1


def test_one_email_per_shop_lists_all_its_incidents(shop, other_shop, hours, commit):
    for reference in ("NOR-1", "NOR-2"):
        waiting(OrderFactory.shipped(shop=shop, reference=reference), 30)
    waiting(OrderFactory.shipped(shop=other_shop, reference="SUR-1"), 30)

    result = commit(services.incidents_remind_waiting)

    assert (result.reminded, result.shops) == (3, 2)
    by_recipient = {email.to[0]: email.body for email in mail.outbox}
    assert set(by_recipient) == {shop.email, other_shop.email}
    assert "NOR-1" in by_recipient[shop.email] and "NOR-2" in by_recipient[shop.email]
    assert "SUR-1" not in by_recipient[shop.email]


def test_the_job_runs_a_constant_number_of_queries(shop, other_shop, hours, commit):
    def run_with(count):
        for index in range(count):
            waiting(OrderFactory.shipped(shop=shop if index % 2 else other_shop), 30)
        with CaptureQueriesContext(connection) as queries:
            commit(services.incidents_remind_waiting)
        return len(queries)

    assert run_with(2) == run_with(8)


def test_the_task_and_the_command_run_the_job(
    shop, hours, capsys, django_capture_on_commit_callbacks, eager_celery
):
    waiting(OrderFactory.shipped(shop=shop), 30)
    waiting(OrderFactory.shipped(shop=shop), 30)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_incidents")
    assert tasks.remind_waiting_incidents() == {"reminded": 0, "shops": 0}

    assert "2" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_job_is_scheduled_with_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["remind-waiting-incidents"]

    assert schedule["task"] == "incidents.tasks.remind_waiting_incidents"
    assert schedule["schedule"] == timedelta(hours=1)
