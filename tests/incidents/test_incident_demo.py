"""The demo data: incidents in every state on shipped or received orders, loaded idempotently."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Incident, IncidentEventKind, IncidentState
from incidents.services import incidents_remind_waiting
from orders.freeze import is_frozen
from orders.models import OrderState

pytestmark = pytest.mark.django_db


def _incidents_demo():
    """The incidents demo's own incidents: the stats demo adds closed history ones on its
    history orders (references `<CODE>-H0001`…), dated over the last 90 days."""
    return Incident.objects.exclude(order__reference__contains="-H")


@pytest.fixture
def demo(settings):
    settings.INCIDENT_REMINDER_HOURS = 24
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_each_demo_shop_has_an_incident_in_every_state_on_shipped_orders(demo):
    for code in ("norte", "sur"):
        incidents = _incidents_demo().filter(shop__code=code).select_related("order")
        states = sorted(incident.state for incident in incidents)
        assert states == sorted(
            [IncidentState.OPEN, IncidentState.OPEN, IncidentState.RESOLVED, IncidentState.CLOSED]
        )
        for incident in incidents:
            assert incident.order.state in (OrderState.SHIPPED, OrderState.RECEIVED)
            assert is_frozen(incident.order) == (incident.state != IncidentState.CLOSED)
            assert incident.opened_at > incident.order.shipped_at


def test_one_open_incident_per_shop_waits_long_enough_for_a_reminder(demo):
    day_ago = timezone.now() - timedelta(hours=24)

    overdue = Incident.objects.filter(state=IncidentState.OPEN, waiting_since__lt=day_ago)

    assert sorted(overdue.values_list("shop__code", flat=True)) == ["norte", "sur"]
    assert incidents_remind_waiting().reminded == 2


def test_one_incident_per_shop_was_reopened(demo):
    reopened = Incident.objects.filter(
        state=IncidentState.OPEN, events__kind=IncidentEventKind.REOPENED
    )

    assert reopened.count() == 2


def test_loading_the_demo_twice_creates_nothing_new(demo):
    before = Incident.objects.count()

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Incident.objects.count() == before
    assert _incidents_demo().count() == 8
