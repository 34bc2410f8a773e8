"""Customer care > Incidents, the incident page, and the incidents panel of the order page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import IncidentState
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def rows(response) -> list[int]:
    return [incident.pk for incident in response.context["page"]]


def test_pages_need_a_login(client, incident):
    for path in ("/incidents/", f"/incidents/{incident.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_menu_links_to_the_incidents_page(seller_client):
    page = seller_client.get("/orders/", **EN).content.decode()

    assert 'href="/incidents/"' in page


def test_the_list_shows_the_waiting_time_and_links_the_order_number(seller_client, shop):
    since = timezone.now() - timedelta(hours=26, minutes=5)
    incident = IncidentFactory(
        order=OrderFactory.shipped(shop=shop, reference="NOR-7001"),
        opened_at=since,
        waiting_since=since,
    )

    page = seller_client.get("/incidents/", **EN).content.decode()

    assert (
        f'<a href="/orders/{incident.order_id}/" data-testid="incident-order">NOR-7001</a>' in page
    )
    assert "waiting 26 h" in page


def test_a_resolved_incident_shows_it_waits_for_the_operator(seller_client, shop):
    IncidentFactory(order=OrderFactory.shipped(shop=shop), state=IncidentState.RESOLVED)

    page = seller_client.get("/incidents/", **EN).content.decode()

    assert "waiting for the operator" in page


@pytest.fixture
def listed(shop):
    now = timezone.now()
    return [
        IncidentFactory(
            order=OrderFactory.shipped(shop=shop, reference="NOR-1001"),
            opened_at=now - timedelta(days=5),
        ),
        IncidentFactory(
            order=OrderFactory.shipped(shop=shop, reference="NOR-2002"),
            state=IncidentState.RESOLVED,
            opened_by="OPERATOR",
            opened_at=now - timedelta(days=1),
        ),
        IncidentFactory(
            order=OrderFactory.shipped(shop=shop, reference="NOR-2003"),
            state=IncidentState.CLOSED,
            opened_at=now,
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [2, 1, 0]),
        ({"state": "open"}, [0]),
        ({"state": "closed"}, [2]),
        ({"opened_by": "operator"}, [1]),
        ({"order": "200"}, [2, 1]),
        ({"opened_after": "{three_days_ago}"}, [2, 1]),
        ({"opened_before": "{three_days_ago}"}, [0]),
    ],
)
def test_the_list_filters(seller_client, listed, query, expected):
    three_days_ago = timezone.localdate() - timedelta(days=3)
    query = {key: value.format(three_days_ago=three_days_ago) for key, value in query.items()}

    response = seller_client.get("/incidents/", query)

    assert rows(response) == [listed[index].pk for index in expected]


def test_the_list_runs_a_constant_number_of_queries(seller_client, shop):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert seller_client.get("/incidents/").status_code == 200
        return len(queries)

    IncidentFactory(order=OrderFactory.shipped(shop=shop))
    few = count()
    for _ in range(10):
        IncidentFactory(order=OrderFactory.shipped(shop=shop))

    assert count() == few


def test_the_incident_page_shows_the_claim_history_and_the_form(seller_client, incident):
    page = seller_client.get(f"/incidents/{incident.pk}/", **EN).content.decode()

    assert incident.description in page
    assert f'data-testid="resolve-form-{incident.pk}"' in page
    assert 'data-kind="opened"' in page


def test_resolving_from_the_incident_page(seller_client, incident, seller, thread_posts):
    response = seller_client.post(
        f"/incidents/{incident.pk}/resolve/",
        {
            f"resolve-{incident.pk}-reason": "replacement_sent",
            f"resolve-{incident.pk}-message": "Reembolsado.",
            "return_to": "incident",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/"
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESOLVED
    assert thread_posts[0]["body"] == "Reembolsado."


def test_the_order_page_has_the_incidents_panel_with_the_form(seller_client, incident):
    page = seller_client.get(f"/orders/{incident.order_id}/", **EN).content.decode()

    assert 'data-testid="incidents-panel"' in page
    assert f'data-testid="resolve-form-{incident.pk}"' in page
    assert 'name="return_to" value="order"' in page
    assert incident.description in page


def test_resolving_from_the_order_page_returns_to_it_waiting_for_the_operator(
    seller_client, incident, thread_posts
):
    response = seller_client.post(
        f"/incidents/{incident.pk}/resolve/",
        {
            f"resolve-{incident.pk}-reason": "replacement_sent",
            f"resolve-{incident.pk}-message": "Enviado otro.",
            "return_to": "order",
        },
        follow=True,
        **EN,
    )

    assert response.redirect_chain == [(f"/orders/{incident.order_id}/", 302)]
    page = response.content.decode()
    assert 'data-state="resolved"' in page
    assert "waiting for the operator" in page
    assert f'data-testid="resolve-form-{incident.pk}"' not in page


def test_a_missing_message_shows_the_error_next_to_the_form_on_the_order_page(
    seller_client, incident, thread_posts
):
    response = seller_client.post(
        f"/incidents/{incident.pk}/resolve/",
        {f"resolve-{incident.pk}-reason": "replacement_sent", "return_to": "order"},
        **EN,
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="incidents-panel"' in page
    assert 'class="field has-error"' in page
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert thread_posts == []


def test_resolving_an_incident_no_longer_open_is_a_409_with_the_message(
    seller_client, resolved_incident
):
    response = seller_client.post(
        f"/incidents/{resolved_incident.pk}/resolve/",
        {
            f"resolve-{resolved_incident.pk}-reason": "replacement_sent",
            f"resolve-{resolved_incident.pk}-message": "Otra vez.",
            "return_to": "incident",
        },
        **EN,
    )

    assert response.status_code == 409
    assert "is not open" in response.content.decode()
    resolved_incident.refresh_from_db()
    assert resolved_incident.events.count() == 2


def test_the_order_panel_runs_a_constant_number_of_queries(seller_client, shop):
    order = OrderFactory.shipped(shop=shop)
    IncidentFactory(order=order)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert seller_client.get(f"/orders/{order.pk}/").status_code == 200
        return len(queries)

    few = count()
    for state in (IncidentState.OPEN, IncidentState.RESOLVED, IncidentState.CLOSED):
        incident = IncidentFactory(order=order, state=state)
        incident.events.create(kind="reminded", actor_side="system")

    assert count() == few


def test_an_order_without_incidents_says_so(seller_client, order):
    page = seller_client.get(f"/orders/{order.pk}/", **EN).content.decode()

    assert "No incident on this order." in page
    assert 'data-testid="incident-blocking"' not in page


def test_an_operator_is_sent_to_the_admin(operator_client):
    response = operator_client.get("/incidents/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_who_opened_it_is_said_the_same_in_the_facts_and_the_history(
    client, shop, seller, operator
):
    from incidents import services as incident_services
    from tests.factories import OrderFactory as Orders

    order = Orders.shipped(shop=shop)
    opened = incident_services.incident_open(
        order=order,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="Llegó roto.",
        acting_user=operator,
    )
    client.force_login(seller)
    client.cookies["django_language"] = "en"

    page = client.get(f"/incidents/{opened.pk}/").content.decode()

    assert "opened by Customer (entered by operador)" in page
    assert "· operator<" not in page
