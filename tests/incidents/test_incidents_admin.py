"""The operator's incident admin: every shop, filters, open through the service, and close /
reopen actions asking for the message and going through the same services."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Incident, IncidentEventKind, IncidentState
from notifications.models import Notice
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/incidents/incident/"
ADD = "/admin/incidents/incident/add/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def result_ids(response):
    return sorted(incident.pk for incident in response.context["cl"].result_list)


def reported(response):
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_the_list_shows_every_shops_incidents(operator_client, incident, other_incident):
    response = operator_client.get(CHANGELIST, **EN)

    assert response.status_code == 200
    assert result_ids(response) == sorted([incident.pk, other_incident.pk])


def test_the_list_costs_the_same_queries_for_more_incidents(operator_client, shop, other_shop):
    IncidentFactory(order=OrderFactory.shipped(shop=shop))
    with CaptureQueriesContext(connection) as few:
        operator_client.get(CHANGELIST)
    for _ in range(5):
        IncidentFactory(order=OrderFactory.shipped(shop=other_shop))

    with CaptureQueriesContext(connection) as many:
        operator_client.get(CHANGELIST)

    assert len(many) == len(few)


def test_the_list_filters_by_state_shop_and_opened_by(operator_client, shop, other_shop):
    open_here = IncidentFactory(order=OrderFactory.shipped(shop=shop))
    resolved_there = IncidentFactory(
        order=OrderFactory.shipped(shop=other_shop),
        state=IncidentState.RESOLVED,
        opened_by="OPERATOR",
    )

    assert result_ids(operator_client.get(CHANGELIST, {"state__exact": "RESOLVED"})) == [
        resolved_there.pk
    ]
    assert result_ids(operator_client.get(CHANGELIST, {"shop__id__exact": shop.pk})) == [
        open_here.pk
    ]
    assert result_ids(operator_client.get(CHANGELIST, {"opened_by__exact": "OPERATOR"})) == [
        resolved_there.pk
    ]


@pytest.mark.parametrize(("bucket", "expected"), [("lt24", [0]), ("24to48", [1]), ("gt48", [2])])
def test_the_list_filters_by_how_long_incidents_have_waited(
    operator_client, shop, bucket, expected
):
    now = timezone.now()
    incidents = [
        IncidentFactory(
            order=OrderFactory.shipped(shop=shop, days_ago=5),
            opened_at=now - timedelta(hours=hours),
        )
        for hours in (5, 30, 60)
    ]
    IncidentFactory(
        order=OrderFactory.shipped(shop=shop, days_ago=5),
        state=IncidentState.RESOLVED,
        opened_at=now - timedelta(hours=60),
    )

    response = operator_client.get(CHANGELIST, {"waiting": bucket})

    assert result_ids(response) == [incidents[index].pk for index in expected]


def test_the_incident_page_shows_its_history(operator_client, resolved_incident):
    response = operator_client.get(f"{CHANGELIST}{resolved_incident.pk}/change/", **EN)

    assert response.status_code == 200
    assert "Enviado otro." in response.content.decode()


def test_the_operator_opens_an_incident_through_the_service(
    operator_client, operator, shipped_order, django_capture_on_commit_callbacks, mailoutbox
):
    line = shipped_order.lines.first()
    assert operator_client.get(ADD, {"order": shipped_order.pk}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            ADD,
            {
                "order": shipped_order.pk,
                "line": line.pk,
                "opened_by": "OPERATOR",
                "reason": "wrong_item",
                "description": "Llegó otro libro.",
            },
        )

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{incident.pk}/change/"
    assert (incident.order, incident.order_line, incident.created_by) == (
        shipped_order,
        line,
        operator,
    )
    assert incident.events.get().kind == IncidentEventKind.OPENED
    # The shop's email is in the outbox, written with the incident; nothing is sent in the
    # request itself (the task queued after commit delivers it).
    notice = Notice.objects.get(event="incident.opened", recipient_kind="SHOP")
    assert notice.about_id == incident.pk
    assert mailoutbox == []


def test_opening_on_an_order_not_shipped_shows_the_error_on_the_form(operator_client, order):
    response = operator_client.post(
        ADD,
        {"order": order.pk, "opened_by": "CUSTOMER", "reason": "other", "description": "x"},
        **EN,
    )

    assert response.status_code == 409
    assert "has not been shipped" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_open_form_offers_only_the_lines_of_the_chosen_order(
    operator_client, shipped_order, shop
):
    other_line = OrderFactory.shipped(shop=shop).lines.first()

    response = operator_client.get(ADD, {"order": shipped_order.pk})

    offered = set(response.context["form"].fields["line"].queryset)
    assert offered == set(shipped_order.lines.all())
    assert other_line not in offered


def _action(client, action, incidents, **data):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [incident.pk for incident in incidents], **data},
        follow=True,
        **EN,
    )


def test_closing_asks_for_the_message_first(operator_client, resolved_incident):
    response = _action(operator_client, "close_incidents", [resolved_incident])

    assert response.status_code == 200
    assert 'name="apply"' in response.content.decode()
    resolved_incident.refresh_from_db()
    assert resolved_incident.state == IncidentState.RESOLVED


def test_closing_goes_through_the_service_and_reports_each_refusal(
    operator_client, operator, resolved_incident, shop
):
    still_open = IncidentFactory(order=OrderFactory.shipped(shop=shop))

    response = _action(
        operator_client,
        "close_incidents",
        [resolved_incident, still_open],
        apply="1",
        message="De acuerdo con la solución.",
        reason="",
    )

    resolved_incident.refresh_from_db()
    still_open.refresh_from_db()
    assert resolved_incident.state == IncidentState.CLOSED
    event = resolved_incident.events.latest("id")
    assert (event.actor, event.message) == (operator, "De acuerdo con la solución.")
    assert still_open.state == IncidentState.OPEN
    messages = reported(response)
    assert ("success", f"1 incident closed: #{resolved_incident.pk}.") in messages
    errors = [text for level, text in messages if level == "error"]
    assert len(errors) == 1 and f"#{still_open.pk}" in errors[0]


def test_reopening_needs_the_message(operator_client, resolved_incident):
    response = _action(
        operator_client, "reopen_incidents", [resolved_incident], apply="1", message=""
    )

    assert response.status_code == 400
    resolved_incident.refresh_from_db()
    assert resolved_incident.state == IncidentState.RESOLVED


def test_reopening_goes_through_the_service(operator_client, resolved_incident):
    response = _action(
        operator_client,
        "reopen_incidents",
        [resolved_incident],
        apply="1",
        message="El cliente dice que no.",
    )

    resolved_incident.refresh_from_db()
    assert resolved_incident.state == IncidentState.OPEN
    assert resolved_incident.events.latest("id").message == "El cliente dice que no."
    assert ("success", f"1 incident reopened: #{resolved_incident.pk}.") in reported(response)


def test_incidents_cannot_be_deleted(operator_client, incident):
    response = operator_client.get(f"{CHANGELIST}{incident.pk}/delete/")

    assert response.status_code == 403


def test_reopening_a_closed_incident_is_refused_before_any_message_is_asked(operator_client, shop):
    from incidents.models import Incident as Incidents
    from tests.factories import OrderFactory as Orders
    from tests.stats.conftest import incident as stored_incident

    order = Orders.shipped(shop=shop)
    closed = stored_incident(order, order.shipped_at, closed_at=order.shipped_at)
    operator_client.cookies["django_language"] = "en"

    response = operator_client.post(
        "/admin/incidents/incident/",
        {"action": "reopen_incidents", "_selected_action": [closed.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "it cannot be reopened; left out." in page
    assert 'name="apply"' not in page  # no message form for nothing
    assert Incidents.objects.get(pk=closed.pk).state == "CLOSED"
