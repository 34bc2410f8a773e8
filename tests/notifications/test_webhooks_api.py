"""`/api/v1/webhooks/`: the seller's endpoints and their deliveries, in the OpenAPI schema; the
secret is shown once; another shop's endpoint is a 404 everywhere."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notice, NoticeState, WebhookEndpoint
from notifications.services import notices_deliver, webhook_endpoint_create
from tests.factories import OrderFactory
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db

CREATE = {"url": "https://erp.example.com/hooks", "events": ["refund.created", "incident.opened"]}


@pytest.fixture
def foreign_endpoint(other_shop, other_seller):
    return webhook_endpoint_create(
        shop=other_shop,
        url="https://sur.example.com/h",
        events=["refund.created"],
        acting_user=other_seller,
    )


def test_a_seller_registers_an_endpoint_and_sees_its_secret_only_once(api):
    created = api.post("/api/v1/webhooks/", CREATE, format="json")

    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert (body["url"], body["events"], body["active"]) == (CREATE["url"], CREATE["events"], True)
    listed = api.get("/api/v1/webhooks/").json()["results"]
    shown = api.get(f"/api/v1/webhooks/{body['id']}/").json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0] and "secret" not in shown
    assert body["secret"].startswith(shown["secret_hint"].rstrip("…"))


def test_rotating_the_secret_answers_the_new_one(api, shop, seller):
    endpoint = webhook_endpoint_create(shop=shop, acting_user=seller, **CREATE)

    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/rotate-secret/")

    endpoint.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["secret"] == endpoint.secret != endpoint.previous_secret


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://erp.example.com/hooks", "events": ["refund.created"]}, "url"),
        ({"url": "https://erp.example.com/hooks", "events": []}, "events"),
        ({"url": "https://erp.example.com/hooks", "events": ["refund.exploded"]}, "events"),
        ({"events": ["refund.created"]}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, body, field):
    response = api.post("/api/v1/webhooks/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_a_seller_deletes_an_endpoint(api, shop, seller):
    endpoint = webhook_endpoint_create(shop=shop, acting_user=seller, **CREATE)

    assert api.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/webhooks/{id}/"),
        ("delete", "/api/v1/webhooks/{id}/"),
        ("get", "/api/v1/webhooks/{id}/deliveries/"),
        ("post", "/api/v1/webhooks/{id}/rotate-secret/"),
        ("post", "/api/v1/webhooks/{id}/active/"),
        ("post", "/api/v1/webhooks/{id}/deliveries/{delivery}/resend/"),
    ],
)
def test_another_shops_endpoint_is_a_404_and_never_changes(
    api, foreign_endpoint, other_seller, method, path
):
    make_refund(OrderFactory.shipped(shop=foreign_endpoint.shop), other_seller, amount="1.00")
    delivery = Notice.objects.get(endpoint=foreign_endpoint)
    secret = foreign_endpoint.secret

    response = getattr(api, method)(
        path.format(id=foreign_endpoint.pk, delivery=delivery.pk), {"active": False}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    foreign_endpoint.refresh_from_db()
    assert (foreign_endpoint.secret, foreign_endpoint.is_active) == (secret, True)
    assert api.get("/api/v1/webhooks/").json()["results"] == []


def test_the_marketplaces_own_endpoint_is_not_a_sellers(api, operator):
    endpoint = webhook_endpoint_create(shop=None, acting_user=operator, **CREATE)

    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404


def test_a_delivery_can_be_resent_with_the_same_event_id(api, shop, seller, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = settings.WEBHOOK_ALLOW_HTTP = True
    endpoint = webhook_endpoint_create(
        shop=shop, acting_user=seller, url="http://127.0.0.1:9/nothing", events=["refund.created"]
    )
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    delivery = Notice.objects.get(endpoint=endpoint)
    notices_deliver(notice_ids=[delivery.pk])  # refused: nothing listens there

    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/")

    assert response.status_code == 202
    assert (response.json()["state"], response.json()["event_id"]) == ("pending", delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.state == NoticeState.PENDING and delivery.first_attempt_at is None


def test_a_delivery_of_a_disabled_endpoint_is_not_resent(api, shop, seller):
    endpoint = webhook_endpoint_create(shop=shop, acting_user=seller, **CREATE)
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    delivery = Notice.objects.get(endpoint=endpoint)
    api.post(f"/api/v1/webhooks/{endpoint.pk}/active/", {"active": False}, format="json")

    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/")

    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_disabled"


def test_the_delivery_log_runs_a_constant_number_of_queries(api, shop, seller):
    endpoint = webhook_endpoint_create(shop=shop, acting_user=seller, **CREATE)
    api.get("/api/v1/webhooks/")  # the key's first use of the day is recorded once

    def log_queries(refunds):
        for _ in range(refunds):
            make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
        Notice.objects.filter(endpoint=endpoint).update(attempts=1)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/")
        assert response.status_code == 200
        return len(queries)

    assert log_queries(1) == log_queries(4)


def test_the_webhook_endpoints_are_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/webhooks/"])
    assert {"get", "delete"} <= set(paths["/api/v1/webhooks/{id}/"])
    assert "get" in paths["/api/v1/webhooks/{id}/deliveries/"]
    events = schema["components"]["schemas"]["WebhookEventEnum"]["enum"]
    assert "refund.refused" in events and "order.state_changed" in events
