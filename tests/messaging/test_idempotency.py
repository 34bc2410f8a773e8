"""Idempotency-Key on the creating POSTs: replay, 409 on reuse, and two requests at once."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from messaging.models import Message, Thread
from sellerdesk.models import IdempotencyRecord
from tests.messaging.conftest import customer_thread, pdf_file

pytestmark = pytest.mark.django_db

BODY = {"recipient": "customer", "reason": "invoice_request", "body": "Adjunto la factura."}


def test_the_same_key_and_body_replays_the_first_answer(api, order):
    first = api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Thread.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409(api, order):
    api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="k-2")

    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/", {**BODY, "body": "Otro"}, HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Thread.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_409(api, order):
    thread = customer_thread(order)
    api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "Hola"}, HTTP_IDEMPOTENCY_KEY="k-3")

    response = api.post(
        "/api/v1/threads/",
        {"reason": "other", "subject": "s", "body": "Hola"},
        HTTP_IDEMPOTENCY_KEY="k-3",
    )

    assert response.status_code == 409


def test_a_replayed_message_with_a_file_is_not_stored_twice(api, order):
    thread = customer_thread(order)
    send = lambda: api.post(  # noqa: E731
        f"/api/v1/threads/{thread.pk}/messages/",
        {"body": "Factura", "attachments": [pdf_file()]},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="k-4",
    )

    assert send().status_code == 201 and send().status_code == 201
    assert Message.objects.filter(thread=thread).count() == 2  # the customer's and one reply


def test_a_refused_request_stores_nothing_and_the_key_can_be_retried(api, order):
    refused = api.post(
        f"/api/v1/orders/{order.pk}/threads/",
        {**BODY, "reason": "nope"},
        HTTP_IDEMPOTENCY_KEY="k-5",
    )
    retried = api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="k-5")

    assert refused.status_code == 400 and retried.status_code == 201
    assert IdempotencyRecord.objects.filter(key="k-5").count() == 1


def test_keys_belong_to_a_user(api, order, other_seller, other_order):
    from tests.conftest import _api_client_for

    other_api = _api_client_for(other_seller)
    api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="shared")

    response = other_api.post(
        f"/api/v1/orders/{other_order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert response.status_code == 201
    assert Thread.objects.count() == 2


def test_without_the_header_each_request_creates(api, order):
    api.post(f"/api/v1/orders/{order.pk}/threads/", BODY)
    api.post(f"/api/v1/orders/{order.pk}/threads/", BODY)

    assert Thread.objects.count() == 2


def test_an_over_long_key_is_refused(api, order):
    response = api.post(f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_the_same_moment_create_one_thread(seller, order):
    from shops.services import api_key_issue

    _key, raw = api_key_issue(user=seller, name="race")
    barrier = threading.Barrier(2)
    statuses = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/orders/{order.pk}/threads/", BODY, HTTP_IDEMPOTENCY_KEY="race-1"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert statuses == [201, 201]
    assert Thread.objects.filter(order=order).count() == 1
