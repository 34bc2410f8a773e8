"""Incident fixtures: shipped orders, incidents in each state, and the operator-thread spy."""

from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from incidents import services
from incidents.models import Incident, IncidentEvent, IncidentEventKind, IncidentState
from orders.models import OrderState
from tests.factories import OrderFactory


class IncidentFactory(factory.django.DjangoModelFactory):
    """An incident written directly (no service): for states and dates a test sets up."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    order = factory.LazyFunction(lambda: OrderFactory.shipped())
    shop = factory.LazyAttribute(lambda incident: incident.order.shop)
    opened_by = "CUSTOMER"
    reason = "item_damaged"
    description = "La caja llegó rota."
    state = IncidentState.OPEN
    opened_at = factory.LazyFunction(timezone.now)
    waiting_since = factory.LazyAttribute(
        lambda incident: incident.opened_at if incident.state == IncidentState.OPEN else None
    )
    resolved_at = factory.LazyAttribute(
        lambda incident: timezone.now() if incident.state == IncidentState.RESOLVED else None
    )
    closed_at = factory.LazyAttribute(
        lambda incident: timezone.now() if incident.state == IncidentState.CLOSED else None
    )

    @factory.post_generation
    def opened_event(incident, create, extracted, **kwargs):
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEventKind.OPENED,
            actor_side="customer",
            to_state=IncidentState.OPEN,
            message=incident.description,
            reason=incident.reason,
            created_at=incident.opened_at,
        )


@pytest.fixture
def shipped_order(shop):
    return OrderFactory.shipped(shop=shop, reference="NOR-0100")


@pytest.fixture
def other_shipped_order(other_shop):
    return OrderFactory.shipped(shop=other_shop, reference="SUR-0100")


def open_incident(order, operator, **kwargs):
    """Through the service, as the operator API does."""
    kwargs.setdefault("opened_by", "CUSTOMER")
    kwargs.setdefault("reason", "item_damaged")
    kwargs.setdefault("description", "La caja llegó aplastada.")
    return services.incident_open(order=order, acting_user=operator, **kwargs)


@pytest.fixture
def incident(shipped_order, operator):
    return open_incident(shipped_order, operator)


@pytest.fixture
def resolved_incident(incident, seller, thread_posts):
    return services.incident_mark_resolved(
        incident=incident, reason="replacement_sent", message="Enviado otro.", acting_user=seller
    )


@pytest.fixture
def other_incident(other_shipped_order, operator):
    return open_incident(other_shipped_order, operator)


@pytest.fixture
def thread_posts(monkeypatch):
    """Record what would be posted in the order's operator thread (the messaging app's service)."""
    calls = []

    def record(*, order, body, acting_user, reason_code):
        calls.append(
            {"order": order, "body": body, "acting_user": acting_user, "reason_code": reason_code}
        )

    monkeypatch.setattr(services, "operator_thread_post_from_shop", record)
    return calls


def waiting_for(hours: float):
    return timezone.now() - timedelta(hours=hours)


__all__ = ["IncidentFactory", "OrderState", "open_incident", "waiting_for"]
