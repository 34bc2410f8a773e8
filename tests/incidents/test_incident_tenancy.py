"""Another shop's incident is a 404 on every seller page and endpoint, and never changes."""

import pytest

from incidents.models import IncidentState

pytestmark = pytest.mark.django_db

API_ENDPOINTS = [
    ("get", "/api/v1/incidents/{id}/"),
    ("post", "/api/v1/incidents/{id}/resolve/"),
]
PAGES = [
    ("get", "/incidents/{id}/"),
    ("post", "/incidents/{id}/resolve/"),
]


@pytest.mark.parametrize(("method", "path"), API_ENDPOINTS)
def test_another_shops_incident_is_a_404_in_the_api(
    api, other_incident, method, path, thread_posts
):
    response = getattr(api, method)(
        path.format(id=other_incident.pk), {"reason": "replacement_sent", "message": "Hecho."}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    other_incident.refresh_from_db()
    assert other_incident.state == IncidentState.OPEN
    assert thread_posts == []


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_another_shops_incident_is_a_404_in_the_pages(
    seller_client, other_incident, method, path, thread_posts
):
    prefix = f"resolve-{other_incident.pk}"
    response = getattr(seller_client, method)(
        path.format(id=other_incident.pk),
        {
            f"{prefix}-reason": "replacement_sent",
            f"{prefix}-message": "Hecho.",
            "return_to": "order",
        },
    )

    assert response.status_code == 404
    other_incident.refresh_from_db()
    assert other_incident.state == IncidentState.OPEN
    assert thread_posts == []


def test_lists_show_only_the_shops_own_incidents(api, seller_client, incident, other_incident):
    api_ids = {row["id"] for row in api.get("/api/v1/incidents/").json()["results"]}
    page_ids = {row.pk for row in seller_client.get("/incidents/").context["page"]}

    assert api_ids == page_ids == {incident.pk}


def test_a_filter_cannot_reach_another_shop(api, seller_client, incident, other_incident):
    by_id = api.get(f"/api/v1/incidents/?order={other_incident.order_id}").json()["results"]
    by_reference = api.get(f"/api/v1/incidents/?order={other_incident.order.reference}").json()[
        "results"
    ]
    page = seller_client.get("/incidents/", {"order": other_incident.order.reference})

    assert by_id == by_reference == []
    assert list(page.context["page"]) == []


def test_another_shops_order_page_does_not_show_its_incidents(seller_client, other_incident):
    assert seller_client.get(f"/orders/{other_incident.order_id}/").status_code == 404
