"""Incident reasons are the operator's list (messaging.Reason, kinds incident_open and
incident_close): what the operator adds or deactivates in the admin counts at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from messaging.models import Reason, ReasonKind
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def _open(operator_api, order, reason, **headers):
    return operator_api.post(
        f"/api/v1/operator/orders/{order.pk}/incidents/",
        {"opened_by": "customer", "reason": reason, "description": "Llegó tarde y mojado."},
        **headers,
    )


def _add_reason(kind, code, *, active=True):
    return Reason.objects.create(
        kind=kind, code=code, label_es=f"ES {code}", label_en=f"EN {code}", active=active
    )


def test_a_reason_the_operator_added_is_accepted_when_opening_an_incident(
    operator_api, shipped_order
):
    _add_reason(ReasonKind.INCIDENT_OPEN, "water_damage")

    response = _open(operator_api, shipped_order, "water_damage", **EN)

    assert response.status_code == 201
    assert (response.json()["reason"], response.json()["reason_label"]) == (
        "water_damage",
        "EN water_damage",
    )


def test_a_deactivated_opening_reason_is_refused_with_a_400_naming_reason(
    operator_api, shipped_order
):
    Reason.objects.filter(kind=ReasonKind.INCIDENT_OPEN, code="wrong_item").update(active=False)

    response = _open(operator_api, shipped_order, "wrong_item")

    assert response.status_code == 400
    assert (response.json()["code"], set(response.json()["fields"])) == ("invalid", {"reason"})
    assert not Incident.objects.exists()


@pytest.mark.parametrize("code", ["goodwill", "replacement_sent", "order_question"])
def test_a_reason_of_another_kind_does_not_open_an_incident(operator_api, shipped_order, code):
    response = _open(operator_api, shipped_order, code)

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert not Incident.objects.exists()


def test_an_opening_reason_is_not_a_closing_reason(api, incident, thread_posts):
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/resolve/",
        {"reason": "item_damaged", "message": "Enviado otro."},
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"reason"}


def test_a_closing_reason_the_operator_added_resolves_an_incident(api, incident, thread_posts):
    _add_reason(ReasonKind.INCIDENT_CLOSE, "voucher_given")

    response = api.post(
        f"/api/v1/incidents/{incident.pk}/resolve/",
        {"reason": "voucher_given", "message": "Le dimos un vale."},
        **ES,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["resolution_reason"], body["resolution_reason_label"]) == (
        "voucher_given",
        "ES voucher_given",
    )
    assert [event["reason_label"] for event in body["events"]][-1] == "ES voucher_given"


@pytest.mark.parametrize(
    ("headers", "label"),
    [(EN, "Item damaged"), (ES, "Artículo dañado")],
)
def test_reason_labels_follow_the_request_language(api, incident, headers, label):
    detail = api.get(f"/api/v1/incidents/{incident.pk}/", **headers).json()
    listed = api.get("/api/v1/incidents/", **headers).json()["results"]

    assert detail["reason_label"] == label
    assert detail["events"][0]["reason_label"] == label
    assert [row["reason_label"] for row in listed] == [label]


def test_an_incident_keeps_the_label_of_a_reason_deactivated_since(api, incident):
    Reason.objects.filter(kind=ReasonKind.INCIDENT_OPEN, code="item_damaged").update(
        active=False, label_en="Damaged (retired)"
    )

    body = api.get(f"/api/v1/incidents/{incident.pk}/", **EN).json()

    assert (body["reason"], body["reason_label"]) == ("item_damaged", "Damaged (retired)")


def test_a_code_missing_from_the_list_is_shown_as_it_is(api, shop):
    legacy = IncidentFactory(order=OrderFactory.shipped(shop=shop), reason="legacy_code")

    body = api.get(f"/api/v1/incidents/{legacy.pk}/", **EN).json()

    assert body["reason_label"] == "legacy_code"


def test_the_resolve_form_offers_the_operators_closing_reasons(seller_client, incident):
    _add_reason(ReasonKind.INCIDENT_CLOSE, "voucher_given")
    Reason.objects.filter(kind=ReasonKind.INCIDENT_CLOSE, code="refunded").update(active=False)

    page = seller_client.get(f"/incidents/{incident.pk}/", **EN).content.decode()

    assert 'value="voucher_given"' in page
    assert 'value="refunded"' not in page


def test_the_admin_open_form_offers_the_operators_opening_reasons(operator_client):
    _add_reason(ReasonKind.INCIDENT_OPEN, "water_damage")
    Reason.objects.filter(kind=ReasonKind.INCIDENT_OPEN, code="wrong_item").update(active=False)

    page = operator_client.get("/admin/incidents/incident/add/", **EN).content.decode()

    assert 'value="water_damage"' in page
    assert 'value="wrong_item"' not in page


@pytest.mark.parametrize(
    ("client_name", "path"),
    [
        ("seller_client", "/incidents/"),
        ("api", "/api/v1/incidents/"),
        ("operator_api", "/api/v1/operator/incidents/"),
    ],
)
def test_lists_with_many_reasons_cost_the_same_queries(request, shop, client_name, path):
    client = request.getfixturevalue(client_name)
    codes = ["item_damaged", "wrong_item", "missing_parts", "other", "gone_code"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    IncidentFactory(order=OrderFactory.shipped(shop=shop), reason=codes[0])
    client.get(path)  # the API key's first use of the day is recorded once
    few = count()
    for code in codes * 2:
        IncidentFactory(order=OrderFactory.shipped(shop=shop), reason=code)

    assert count() == few
