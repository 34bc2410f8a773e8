"""A full refund of the order closes its open incidents, recorded as such (domain.md)."""

import pytest

from incidents.models import IncidentEvent, IncidentState
from incidents.services import incident_open
from refunds.models import Refund
from refunds.services import refund_is_full
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_incident(shipped_order, operator):
    return incident_open(
        order=shipped_order,
        opened_by="OPERATOR",
        reason="item_damaged",
        description="La taza llegó rota.",
        acting_user=operator,
    )


def test_a_partial_refund_leaves_the_incident_open(seller, shipped_order, open_incident):
    created = make_refund(shipped_order, seller, amount="25.50")

    open_incident.refresh_from_db()
    assert open_incident.state == IncidentState.OPEN
    assert created.order_fully_refunded is False
    assert refund_is_full(shipped_order) is False


def test_the_refund_that_empties_the_order_closes_its_incidents(
    seller, shipped_order, open_incident
):
    make_refund(shipped_order, seller, amount="25.50")

    created = make_refund(shipped_order, seller, shipping="4.95")

    open_incident.refresh_from_db()
    assert open_incident.state == IncidentState.CLOSED
    assert created.order_fully_refunded is True
    event = IncidentEvent.objects.filter(incident=open_incident).latest("id")
    assert event.kind == "auto_closed_full_refund"
    assert f"#{created.refund.pk}" in event.summary


def test_a_replay_of_the_full_refund_does_not_close_again(api, shipped_order, open_incident):
    """A retried request (same Idempotency-Key and body) replays the first answer through the
    project-wide mechanism: no second refund, nothing closed or recorded again."""
    body = {"reason": "goodwill", "amount": "25.50", "shipping_amount": "4.95"}

    def send():
        return api.post(
            f"/api/v1/orders/{shipped_order.pk}/refunds/",
            body,
            format="json",
            HTTP_IDEMPOTENCY_KEY="k",
        )

    first = send()
    open_incident.refresh_from_db()
    events = IncidentEvent.objects.count()

    replay = send()

    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert open_incident.state == IncidentState.CLOSED
    assert IncidentEvent.objects.count() == events
    assert Refund.objects.count() == 1
