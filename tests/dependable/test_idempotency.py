"""One Idempotency-Key mechanism for every creating POST: keyed per shop (or operator) and key,
replaying the first answer, 409 for another endpoint or body, purged after
IDEMPOTENCY_KEEP_HOURS. And page forms that a double submit does not repeat."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident
from messaging.models import Reason, Thread
from orders.models import Order
from refunds.models import Refund
from sellerdesk.idempotency import idempotency_records_purge
from sellerdesk.models import IdempotencyRecord
from sellerdesk.tasks import purge_idempotency_records
from tests.conftest import _api_client_for
from tests.factories import OrderFactory, SellerFactory

pytestmark = pytest.mark.django_db

REFUND = {"reason": "goodwill", "amount": "5.00"}


@pytest.fixture
def shipped(shop):
    return OrderFactory.shipped(shop=shop)


def test_two_users_of_one_shop_share_its_keys(api, shop, shipped):
    colleague = _api_client_for(SellerFactory(username="norte-2", shop=shop))
    url = f"/api/v1/orders/{shipped.pk}/refunds/"

    first = api.post(url, REFUND, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = colleague.post(url, REFUND, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Refund.objects.count() == 1


def test_a_key_used_for_a_message_is_refused_for_a_refund(api, shipped):
    thread = api.post(
        f"/api/v1/orders/{shipped.pk}/threads/",
        {"recipient": "customer", "reason": "invoice_request", "body": "Hola"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert thread.status_code == 201

    refund = api.post(
        f"/api/v1/orders/{shipped.pk}/refunds/", REFUND, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )

    assert refund.status_code == 409
    assert refund.json()["code"] == "idempotency_key_reused"
    assert not Refund.objects.exists()


def test_a_refund_retry_after_its_reason_was_deactivated_replays_the_first_answer(api, shipped):
    url = f"/api/v1/orders/{shipped.pk}/refunds/"
    first = api.post(url, REFUND, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    Reason.objects.filter(code="goodwill").update(active=False)

    retry = api.post(url, REFUND, format="json", HTTP_IDEMPOTENCY_KEY="k2")

    assert retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]


def _import(operator_api, reference="IMP-9"):
    return operator_api.post(
        "/api/v1/operator/orders/",
        {
            "shop": "norte",
            "reference": reference,
            "customer": {"name": "Ana"},
            "lines": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "3.00"}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="imp",
    )


def test_the_operators_import_replays(operator_api, shop):
    first, again = _import(operator_api), _import(operator_api)

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(reference="IMP-9").count() == 1
    assert _import(operator_api, reference="IMP-10").status_code == 409


def test_the_operators_incident_opening_replays(operator_api, shipped):
    def open_incident():
        return operator_api.post(
            f"/api/v1/operator/orders/{shipped.pk}/incidents/",
            {"opened_by": "customer", "reason": "item_damaged", "description": "Roto."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="inc",
        )

    first, again = open_incident(), open_incident()

    assert first.status_code == again.status_code == 201
    assert Incident.objects.filter(order=shipped).count() == 1


def test_operators_keys_are_their_own(operator_api, shop, shipped):
    _import(operator_api)
    from tests.factories import OperatorFactory

    other = _api_client_for(OperatorFactory(username="operadora-2"))
    response = other.post(
        "/api/v1/operator/orders/",
        {
            "shop": "norte",
            "reference": "IMP-11",
            "customer": {"name": "Ana"},
            "lines": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "3.00"}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="imp",
    )
    assert response.status_code == 201


def test_the_purge_job_keeps_records_for_idempotency_keep_hours(api, shipped, settings):
    settings.IDEMPOTENCY_KEEP_HOURS = 24
    api.post(
        f"/api/v1/orders/{shipped.pk}/refunds/", REFUND, format="json", HTTP_IDEMPOTENCY_KEY="old"
    )
    api.post(
        f"/api/v1/orders/{shipped.pk}/refunds/",
        {**REFUND, "amount": "1.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="new",
    )
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    IdempotencyRecord.objects.filter(key="new").update(
        created_at=timezone.now() - timedelta(hours=23)
    )

    assert purge_idempotency_records() == 1

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_records_purge() == 0


def test_the_purge_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sellerdesk.tasks.purge_idempotency_records" in tasks
    assert settings.IDEMPOTENCY_KEEP_HOURS >= 24


def _form_key(html: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', html).group(1)


def test_a_double_submitted_refund_form_creates_one_refund(seller_client, shipped):
    url = f"/orders/{shipped.pk}/refunds/new/"
    key = _form_key(seller_client.get(url).content.decode())
    # The confirmed step (the form asks first): the one that creates the refund.
    data = {
        "reason": "goodwill",
        "amount": "5.00",
        "confirm": "1",
        "confirmed_total": "5.00",
        "form_key": key,
    }

    first = seller_client.post(url, data)
    second = seller_client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Refund.objects.filter(order=shipped).count() == 1


def test_a_double_submitted_incident_opening_in_the_admin_opens_one(operator_client, shipped):
    url = "/admin/incidents/incident/add/"
    key = _form_key(operator_client.get(url).content.decode())
    data = {
        "order": shipped.pk,
        "opened_by": "CUSTOMER",
        "reason": "item_damaged",
        "description": "Roto.",
        "form_key": key,
    }

    first = operator_client.post(url, data)
    second = operator_client.post(url, data)

    assert first.status_code == second.status_code == 302, first.content[:300]
    assert Incident.objects.filter(order=shipped).count() == 1


def test_a_thread_started_twice_with_one_key_is_one_thread(api, shipped):
    body = {"recipient": "customer", "reason": "invoice_request", "body": "Hola"}
    url = f"/api/v1/orders/{shipped.pk}/threads/"
    api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t")
    api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="t")
    assert Thread.objects.filter(order=shipped).count() == 1


def test_a_double_submitted_reply_is_sent_once(seller_client, shipped):
    from messaging.models import Message
    from tests.messaging.conftest import customer_thread

    thread = customer_thread(shipped)
    page = seller_client.get(f"/messages/{thread.pk}/").content.decode()
    data = {"body": "Sale hoy.", "to_customer": "on", "form_key": _form_key(page)}

    first = seller_client.post(f"/messages/{thread.pk}/reply/", data)
    second = seller_client.post(f"/messages/{thread.pk}/reply/", data)

    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(thread=thread, author="SHOP").count() == 1
