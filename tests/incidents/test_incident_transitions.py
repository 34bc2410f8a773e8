"""The incident lifecycle: every allowed transition with its events, every refused one with its
code and nothing written."""

import pytest

from incidents import services
from incidents.models import Incident, IncidentEvent, IncidentEventKind, IncidentState
from orders.models import OrderEvent, OrderEventKind, OrderState
from sellerdesk.errors import DomainError, InvalidState
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory, open_incident

pytestmark = pytest.mark.django_db


def _act(action, incident, *, seller, operator):
    if action == "resolve":
        return services.incident_mark_resolved(
            incident=incident, reason="replacement_sent", message="Reembolsado.", acting_user=seller
        )
    if action == "close":
        return services.incident_close(
            incident=incident, acting_user=operator, reason="replacement_sent"
        )
    return services.incident_reopen(incident=incident, acting_user=operator, message="No.")


def _counts(incident):
    return (
        IncidentEvent.objects.filter(incident=incident).count(),
        OrderEvent.objects.filter(order=incident.order).count(),
    )


# --- Open ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [OrderState.SHIPPED, OrderState.RECEIVED])
def test_it_opens_an_incident_on_a_shipped_or_received_order(state, shop, operator):
    order = OrderFactory.shipped(shop=shop)
    order.state = state
    order.save(update_fields=["state"])

    incident = open_incident(order, operator, opened_by="OPERATOR", reason="wrong_item")

    assert (incident.state, incident.shop, incident.opened_by) == (
        IncidentState.OPEN,
        shop,
        "OPERATOR",
    )
    assert incident.waiting_since == incident.opened_at
    event = incident.events.get()
    assert (event.kind, event.actor, event.actor_side, event.reason) == (
        IncidentEventKind.OPENED,
        operator,
        "operator",
        "wrong_item",
    )
    assert OrderEvent.objects.filter(order=order, kind=OrderEventKind.INCIDENT_OPENED).count() == 1


def test_an_incident_opened_for_the_customer_records_the_customer_side(shipped_order, operator):
    incident = open_incident(shipped_order, operator, opened_by="CUSTOMER")

    assert incident.events.get().actor_side == "customer"
    assert OrderEvent.objects.get(order=shipped_order, kind="incident_opened").actor_side == (
        "customer"
    )


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (OrderState.WAITING_ACCEPTANCE, "order_not_shipped"),
        (OrderState.SHIPPING, "order_not_shipped"),
        (OrderState.REFUSED, "order_not_shipped"),
        (OrderState.CANCELED, "order_not_shipped"),
        (OrderState.CLOSED, "order_closed"),
    ],
)
def test_it_refuses_to_open_an_incident_on_other_order_states(state, code, shop, operator):
    order = OrderFactory(shop=shop, state=state)

    with pytest.raises(InvalidState) as refused:
        open_incident(order, operator)

    assert refused.value.code == code
    assert refused.value.status_code == 409
    assert not Incident.objects.exists()
    assert not OrderEvent.objects.filter(order=order, kind="incident_opened").exists()


def test_it_names_one_line_of_the_order(shipped_order, operator):
    line = shipped_order.lines.first()

    incident = open_incident(shipped_order, operator, line_id=line.pk)

    assert incident.order_line == line


def test_it_refuses_a_line_of_another_order(shipped_order, shop, operator):
    other_line = OrderFactory.shipped(shop=shop).lines.first()

    with pytest.raises(DomainError) as refused:
        open_incident(shipped_order, operator, line_id=other_line.pk)

    assert refused.value.code == "line_not_in_order"
    assert "line" in refused.value.fields
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("reason", "because"), ("description", "  "), ("opened_by", "SHOP")],
)
def test_it_refuses_an_invalid_open_naming_the_field(field, value, shipped_order, operator):
    with pytest.raises(DomainError) as refused:
        open_incident(shipped_order, operator, **{field: value})

    assert refused.value.status_code == 400
    assert field in refused.value.fields
    assert not Incident.objects.exists()


# --- Allowed transitions ---------------------------------------------------------------------


def test_marking_resolved_waits_for_the_operator_and_records_the_message(
    incident, seller, thread_posts
):
    resolved = services.incident_mark_resolved(
        incident=incident,
        reason="replacement_sent",
        message="Enviamos otro ejemplar hoy.",
        acting_user=seller,
    )

    resolved.refresh_from_db()
    assert resolved.state == IncidentState.RESOLVED
    assert resolved.resolution_reason == "replacement_sent"
    assert resolved.resolved_at is not None
    assert resolved.waiting_since is None
    event = resolved.events.latest("id")
    assert (event.kind, event.actor, event.actor_side, event.message, event.reason) == (
        IncidentEventKind.RESOLVED,
        seller,
        "shop",
        "Enviamos otro ejemplar hoy.",
        "replacement_sent",
    )
    order_event = OrderEvent.objects.filter(order=incident.order).latest("id")
    assert order_event.kind == OrderEventKind.INCIDENT_RESOLVED
    assert "Enviamos otro ejemplar hoy." in order_event.summary


def test_the_resolution_message_is_posted_in_the_orders_operator_thread(
    incident, seller, thread_posts
):
    services.incident_mark_resolved(
        incident=incident,
        reason="replacement_sent",
        message="Hemos reembolsado el importe.",
        acting_user=seller,
    )

    assert len(thread_posts) == 1
    post = thread_posts[0]
    assert post["order"].pk == incident.order_id
    assert post["body"] == "Hemos reembolsado el importe."
    assert post["acting_user"] == seller


def test_a_refused_thread_post_undoes_the_resolution(incident, seller, monkeypatch):
    def refuse(**kwargs):
        raise DomainError("The thread refused the message.", code="thread_refused")

    monkeypatch.setattr(services, "operator_thread_post_from_shop", refuse)
    before = _counts(incident)

    with pytest.raises(DomainError):
        services.incident_mark_resolved(
            incident=incident, reason="replacement_sent", message="Hecho.", acting_user=seller
        )

    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert _counts(incident) == before


def test_the_message_to_the_operator_lands_in_the_orders_operator_thread(incident, seller):
    from messaging.models import Message, Thread

    services.incident_mark_resolved(
        incident=incident,
        reason="replacement_sent",
        message="Reembolso total hecho.",
        acting_user=seller,
    )

    thread = Thread.objects.get(order_id=incident.order_id, with_operator=True)
    message = Message.objects.filter(thread=thread).latest("id")
    assert (message.body, message.author_user, message.to_operator) == (
        "Reembolso total hecho.",
        seller,
        True,
    )


def test_the_operator_closes_a_resolved_incident(resolved_incident, operator):
    closed = services.incident_close(
        incident=resolved_incident, acting_user=operator, message="De acuerdo."
    )

    closed.refresh_from_db()
    assert closed.state == IncidentState.CLOSED
    assert closed.closed_at is not None
    assert closed.resolution_reason == "replacement_sent"  # the shop's, kept
    event = closed.events.latest("id")
    assert (event.kind, event.actor, event.message, event.from_state) == (
        IncidentEventKind.CLOSED,
        operator,
        "De acuerdo.",
        IncidentState.RESOLVED,
    )
    assert OrderEvent.objects.filter(order=closed.order).latest("id").kind == "incident_closed"


def test_the_operator_closes_an_open_incident_directly_with_a_reason(incident, operator):
    closed = services.incident_close(
        incident=incident, acting_user=operator, reason="replacement_sent"
    )

    closed.refresh_from_db()
    assert (closed.state, closed.resolution_reason, closed.waiting_since) == (
        IncidentState.CLOSED,
        "replacement_sent",
        None,
    )


def test_the_operator_reopens_a_resolved_incident_and_it_waits_for_the_shop_again(
    resolved_incident, operator
):
    resolved_incident.last_reminded_at = resolved_incident.opened_at
    resolved_incident.save(update_fields=["last_reminded_at"])

    reopened = services.incident_reopen(
        incident=resolved_incident, acting_user=operator, message="El cliente sigue sin él."
    )

    reopened.refresh_from_db()
    assert reopened.state == IncidentState.OPEN
    assert reopened.waiting_since > reopened.opened_at
    assert (reopened.resolved_at, reopened.resolution_reason, reopened.last_reminded_at) == (
        None,
        "",
        None,
    )
    event = reopened.events.latest("id")
    assert (event.kind, event.message) == (IncidentEventKind.REOPENED, "El cliente sigue sin él.")
    assert OrderEvent.objects.filter(order=reopened.order).latest("id").kind == "incident_reopened"


# --- Refused transitions ---------------------------------------------------------------------

REFUSED = [
    ("resolve", IncidentState.RESOLVED, "incident_not_open"),
    ("resolve", IncidentState.CLOSED, "incident_closed"),
    ("reopen", IncidentState.OPEN, "incident_not_resolved"),
    ("reopen", IncidentState.CLOSED, "incident_closed"),
    ("close", IncidentState.CLOSED, "incident_closed"),
]


@pytest.mark.parametrize(("action", "state", "code"), REFUSED)
def test_it_refuses_the_transition_with_a_409_code_and_writes_nothing(
    action, state, code, shop, seller, operator, thread_posts
):
    incident = IncidentFactory(order=OrderFactory.shipped(shop=shop), state=state)
    before = _counts(incident)

    with pytest.raises(InvalidState) as refused:
        _act(action, incident, seller=seller, operator=operator)

    assert (refused.value.code, refused.value.status_code) == (code, 409)
    incident.refresh_from_db()
    assert incident.state == state
    assert _counts(incident) == before
    assert thread_posts == []


def test_the_lifecycle_table_covers_every_state_and_action():
    from incidents.models import TRANSITIONS, IncidentAction

    refused = {(action, state) for action, state, _code in REFUSED}
    for state in IncidentState.values:
        for action in IncidentAction.values:
            allowed = action in TRANSITIONS[state]
            assert allowed != ((action, state) in refused), (action, state)


def test_closing_an_open_incident_without_a_reason_is_refused(incident, operator):
    before = _counts(incident)

    with pytest.raises(InvalidState) as refused:
        services.incident_close(incident=incident, acting_user=operator)

    assert refused.value.code == "incident_not_resolved"
    assert "reason" in refused.value.fields
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert _counts(incident) == before


@pytest.mark.parametrize(
    ("reason", "message", "fields"),
    [
        ("", "Hecho.", {"reason"}),
        ("replacement_sent", "   ", {"message"}),
        ("made_up", "", {"reason", "message"}),
    ],
)
def test_marking_resolved_needs_a_closing_reason_and_a_message(
    reason, message, fields, incident, seller, thread_posts
):
    with pytest.raises(DomainError) as refused:
        services.incident_mark_resolved(
            incident=incident, reason=reason, message=message, acting_user=seller
        )

    assert refused.value.status_code == 400
    assert set(refused.value.fields) == fields
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert thread_posts == []


def test_reopening_needs_a_message(resolved_incident, operator):
    with pytest.raises(DomainError) as refused:
        services.incident_reopen(incident=resolved_incident, acting_user=operator, message=" ")

    assert (refused.value.status_code, set(refused.value.fields)) == (400, {"message"})
    resolved_incident.refresh_from_db()
    assert resolved_incident.state == IncidentState.RESOLVED


def test_closing_with_an_unknown_reason_is_refused(resolved_incident, operator):
    with pytest.raises(DomainError) as refused:
        services.incident_close(incident=resolved_incident, acting_user=operator, reason="nope")

    assert (refused.value.status_code, set(refused.value.fields)) == (400, {"reason"})


# --- Full refund -----------------------------------------------------------------------------


def test_a_full_refund_closes_every_incident_of_the_order_that_is_not_closed(
    shipped_order, seller, operator
):
    first = open_incident(shipped_order, operator)
    second = IncidentFactory(order=shipped_order, state=IncidentState.RESOLVED)
    already = IncidentFactory(order=shipped_order, state=IncidentState.CLOSED)
    elsewhere = open_incident(OrderFactory.shipped(shop=shipped_order.shop), operator)

    closed = services.incidents_close_for_full_refund(
        order=shipped_order, acting_user=seller, refund_id=77
    )

    assert closed == 2
    for incident in (first, second):
        incident.refresh_from_db()
        assert (incident.state, incident.waiting_since) == (IncidentState.CLOSED, None)
        event = incident.events.latest("id")
        assert event.kind == IncidentEventKind.AUTO_CLOSED_FULL_REFUND
        assert (event.actor, event.actor_side) == (seller, "shop")
        assert "77" in event.summary
    assert already.events.count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.state == IncidentState.OPEN
    assert (
        OrderEvent.objects.filter(order=shipped_order, kind=OrderEventKind.INCIDENT_CLOSED).count()
        == 2
    )


def test_a_full_refund_without_incidents_closes_nothing(shipped_order):
    assert services.incidents_close_for_full_refund(order=shipped_order) == 0
    assert not OrderEvent.objects.filter(order=shipped_order, kind="incident_closed").exists()


def test_an_incident_reads_as_its_number_and_state(incident):
    from django.utils import translation

    with translation.override("en"):
        assert str(incident) == f"incident #{incident.pk} (open)"
    with translation.override("es"):
        assert str(incident) == f"incidencia #{incident.pk} (abierta)"


def test_it_refuses_a_refunded_closing_reason_on_an_order_without_refund(incident, seller):
    with pytest.raises(DomainError) as refused:
        services.incident_mark_resolved(
            incident=incident, reason="refunded", message="Reembolsado.", acting_user=seller
        )

    assert refused.value.code == "refund_required" and "reason" in refused.value.fields
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN  # nothing written


def test_a_refunded_closing_reason_is_accepted_once_the_order_has_a_refund(incident, seller):
    from tests.stats.conftest import refund

    refund(incident.order, "1.00", incident.opened_at)

    resolved = services.incident_mark_resolved(
        incident=incident, reason="refunded", message="Reembolsado.", acting_user=seller
    )

    assert resolved.state == IncidentState.RESOLVED
