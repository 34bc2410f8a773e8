"""Webhooks: signed as Standard Webhooks, retried with the same id until the receiver answers 2xx,
for at least 24 hours; an endpoint that keeps failing is disabled and its owner told; requests
never follow redirects, time out, and never reach our own network in production settings."""

import base64
import hashlib
import hmac
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from notifications.models import Notice, NoticeState, WebhookEndpoint
from notifications.services import (
    notices_deliver,
    notices_send_due,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
)
from notifications.webhooks import url_problem, webhook_post
from orders.services import order_accept
from refunds.models import Refund
from tests.factories import OrderFactory, ShopFactory
from tests.incidents.conftest import open_incident
from tests.messaging.conftest import customer_thread, pdf_file
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_wait(settings):
    """Retries without waiting (the eager task retries at once): no sleeping in tests."""
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0


def verify_by_hand(secret: str, headers: dict, body: bytes) -> bool:
    """The README's verification snippet, for integrators without the package."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, signature.removeprefix("v1,"))
        for signature in headers["webhook-signature"].split()
    )


def _lower(headers: dict) -> dict:
    return {key.lower(): value for key, value in headers.items()}


def test_a_receiver_failing_twice_then_succeeding_gets_one_event_in_three_signed_attempts(
    api, shop, receiver, endpoint_for, eager_celery, no_wait, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(shop, receiver.url, ["refund.created"])
    receiver.script = [500, 503]
    order = OrderFactory.shipped(shop=shop, reference="NOR-8001")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/orders/{order.pk}/refunds/",
            {"reason": "goodwill", "amount": "5.00"},
            format="json",
        )

    assert [request["status"] for request in receiver.requests] == [500, 503, 200]
    ids = {_lower(request["headers"])["webhook-id"] for request in receiver.requests}
    assert len(ids) == 1
    for request in receiver.requests:
        headers = _lower(request["headers"])
        # The package integrators use checks the signature and the timestamp's freshness.
        payload = Webhook(endpoint.secret).verify(request["body"], headers)
        assert verify_by_hand(endpoint.secret, headers, request["body"])
    assert payload["id"] == ids.pop()
    assert (payload["type"], payload["shop"]) == ("refund.created", "norte")
    # The object in the REST API's own shape.
    refund = api.get(f"/api/v1/refunds/{response.json()['id']}/").json()
    assert {
        key: payload["data"][key] for key in ("id", "order", "state", "total_amount", "lines")
    } == {key: refund[key] for key in ("id", "order", "state", "total_amount", "lines")}
    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert len(log) == 1
    assert (log[0]["attempts"], log[0]["state"], log[0]["event_id"]) == (3, "sent", payload["id"])
    assert [attempt["status_code"] for attempt in log[0]["log"]] == [500, 503, 200]


def test_a_rotated_secret_signs_with_both_secrets_for_a_day(shop, receiver, endpoint_for, seller):
    endpoint = endpoint_for(shop, receiver.url, ["refund.created"])
    old_secret = endpoint.secret
    new_secret = webhook_endpoint_rotate_secret(endpoint=endpoint).secret
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="5.00")

    notices_deliver(
        notice_ids=list(Notice.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    )

    (request,) = receiver.requests
    headers = _lower(request["headers"])
    assert len(headers["webhook-signature"].split()) == 2
    assert Webhook(old_secret).verify(request["body"], headers)
    assert Webhook(new_secret).verify(request["body"], headers)


def test_redirects_are_not_followed(shop, receiver, endpoint_for, seller):
    endpoint = endpoint_for(shop, receiver.url, ["refund.created"])
    receiver.script = [302]
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="5.00")

    result = notices_deliver(
        notice_ids=list(Notice.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    )

    notice = Notice.objects.get(endpoint=endpoint)
    assert (result.failed, notice.state, notice.last_status_code) == (1, NoticeState.PENDING, 302)
    assert "Redirects are not followed" in notice.last_error
    assert len(receiver.requests) == 1


def test_a_receiver_that_never_answers_times_out(settings, allow_local_webhooks):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        answer = webhook_post(
            url=f"http://127.0.0.1:{silent.getsockname()[1]}/", body="{}", headers={}
        )
    finally:
        silent.close()

    assert answer.status_code is None
    assert "timed out" in answer.error.lower() or "timeout" in answer.error.lower()


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://localhost/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://192.168.1.10/x",
        "https://172.16.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://user:pass@hooks.example.com/x",
        "ftp://hooks.example.com/x",
    ],
)
def test_production_settings_refuse_plain_http_and_our_own_network(url):
    assert url_problem(url) is not None


def test_production_settings_accept_a_public_https_address():
    assert url_problem("https://hooks.example.com:8443/sellerdesk?x=1") is None


def test_a_name_that_resolves_inside_our_network_is_refused_at_delivery(settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False  # production, but http allowed to reach it
    name = socket.gethostname()
    assert not any(info[4][0].startswith(("8.", "1.")) for info in socket.getaddrinfo(name, 80)), (
        "the machine's own name must resolve to a local address"
    )
    port = receiver.server.server_address[1]

    answer = webhook_post(url=f"http://{name}:{port}/hooks", body="{}", headers={})

    assert answer.status_code is None
    assert "non-public address" in answer.error
    assert receiver.requests == []


def test_the_api_refuses_an_endpoint_inside_our_network(api):
    response = api.post(
        "/api/v1/webhooks/",
        {"url": "https://169.254.169.254/", "events": ["refund.created"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "url" in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


# --- Retries for 24 hours, then disabled ------------------------------------------------------


def _fail_once(shop, receiver, endpoint_for, seller, *, events=("refund.created",)):
    endpoint = endpoint_for(shop, receiver.url, list(events))
    receiver.script = [500] * 10
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="5.00")
    notice = Notice.objects.get(endpoint=endpoint)
    notices_deliver(notice_ids=[notice.pk])
    return endpoint, notice


def _hours_after_first_attempt(notice, hours):
    """As if the first attempt had been `hours` ago and the next retry is due now."""
    first = timezone.now() - timedelta(hours=hours)
    Notice.objects.filter(pk=notice.pk).update(
        first_attempt_at=first, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    WebhookEndpoint.objects.filter(pk=notice.endpoint_id).update(failing_since=first)


def test_a_failing_delivery_is_still_retried_after_23_hours(shop, receiver, endpoint_for, seller):
    endpoint, notice = _fail_once(shop, receiver, endpoint_for, seller)
    _hours_after_first_attempt(notice, 23)

    notices_send_due()

    notice.refresh_from_db()
    endpoint.refresh_from_db()
    assert (notice.state, notice.attempts) == (NoticeState.PENDING, 2)
    assert notice.next_attempt_at > timezone.now()
    assert endpoint.is_active


def test_an_endpoint_failing_for_24_hours_is_disabled_and_its_owner_emailed(
    shop, receiver, endpoint_for, seller, send_outbox
):
    endpoint, notice = _fail_once(shop, receiver, endpoint_for, seller)
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="6.00")  # a second delivery waits
    _hours_after_first_attempt(notice, 24)
    mail.outbox.clear()

    result = notices_send_due()
    send_outbox()

    notice.refresh_from_db()
    endpoint.refresh_from_db()
    assert result.given_up >= 1
    assert notice.state == NoticeState.FAILED
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert not Notice.objects.filter(endpoint=endpoint, state=NoticeState.PENDING).exists()
    (email,) = [message for message in mail.outbox if "webhook" in message.subject.lower()]
    assert email.to == [shop.email]
    assert receiver.url in email.body
    assert f"/settings/integrations/{endpoint.pk}/" in email.body


def test_an_endpoint_that_succeeded_meanwhile_is_not_disabled(shop, receiver, endpoint_for, seller):
    endpoint, notice = _fail_once(shop, receiver, endpoint_for, seller)
    _hours_after_first_attempt(notice, 24)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())

    notices_send_due()

    endpoint.refresh_from_db()
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED
    assert endpoint.is_active


# --- Which events reach which endpoint, in which shape -----------------------------------------


def test_an_endpoint_gets_its_shops_subscribed_events_and_the_marketplaces_gets_every_shops(
    shop, other_shop, receiver, endpoint_for, seller, operator
):
    own = endpoint_for(shop, receiver.url, ["refund.created"])
    other = endpoint_for(other_shop, receiver.url, ["refund.created"])
    marketplace = webhook_endpoint_create(
        shop=None, url=receiver.url, events=["refund.created"], acting_user=operator
    )
    not_subscribed = endpoint_for(shop, receiver.url, ["incident.opened"])

    make_refund(OrderFactory.shipped(shop=shop), seller, amount="5.00")

    assert set(Notice.objects.filter(channel="WEBHOOK").values_list("endpoint_id", flat=True)) == {
        own.pk,
        marketplace.pk,
    }
    assert other.pk and not_subscribed.pk


def test_order_state_changed_carries_the_order_and_the_state_it_left(
    shop, seller, receiver, endpoint_for, send_outbox
):
    endpoint_for(shop, receiver.url, ["order.state_changed"])
    order = OrderFactory(shop=shop, reference="NOR-8101")

    order_accept(order=order, acting_user=seller)
    send_outbox()

    (payload,) = receiver.payloads()
    assert (payload["type"], payload["previous_state"]) == (
        "order.state_changed",
        "waiting_acceptance",
    )
    assert (payload["data"]["reference"], payload["data"]["state"]) == ("NOR-8101", "shipping")


def test_the_order_job_tells_the_endpoints_about_every_order_it_moves(
    shop, receiver, endpoint_for, send_outbox, settings
):
    from orders.services import orders_advance

    endpoint_for(shop, receiver.url, ["order.state_changed"])
    for reference in ("NOR-8201", "NOR-8202"):
        OrderFactory.shipped(
            shop=shop, reference=reference, days_ago=settings.AUTO_RECEIVE_DAYS + 1
        )

    orders_advance()
    send_outbox()

    assert sorted((p["data"]["reference"], p["data"]["state"]) for p in receiver.payloads()) == [
        ("NOR-8201", "received"),
        ("NOR-8202", "received"),
    ]


def test_message_received_carries_the_message_with_its_thread_and_attachment_links(
    shop, receiver, endpoint_for, send_outbox
):
    endpoint_for(shop, receiver.url, ["message.received"])

    thread = customer_thread(OrderFactory(shop=shop), attachments=[pdf_file()])
    send_outbox()

    (payload,) = receiver.payloads()
    assert payload["data"]["thread"] == thread.pk
    assert payload["data"]["author"] == "customer"
    assert payload["data"]["attachments"][0]["download_url"].startswith("http")


def test_incident_opened_carries_the_incident_in_the_apis_shape(
    shop, operator, receiver, endpoint_for, send_outbox, api
):
    endpoint_for(shop, receiver.url, ["incident.opened"])

    incident = open_incident(OrderFactory.shipped(shop=shop, reference="NOR-8301"), operator)
    send_outbox()

    (payload,) = receiver.payloads()
    shown = api.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert payload["data"] == shown


def test_deadline_webhooks_go_one_per_thread(shop, receiver, endpoint_for, send_outbox):
    from messaging.services import reply_deadlines_flag

    endpoint_for(shop, receiver.url, ["thread.overdue", "thread.due_soon"])
    overdue = customer_thread(OrderFactory(shop=shop), hours_ago=50)
    due_soon = customer_thread(OrderFactory(shop=shop), hours_ago=40)
    customer_thread(OrderFactory(shop=ShopFactory(code="otra")), hours_ago=50)

    reply_deadlines_flag()
    send_outbox()

    assert sorted((p["type"], p["data"]["id"]) for p in receiver.payloads()) == sorted(
        [("thread.overdue", overdue.pk), ("thread.due_soon", due_soon.pk)]
    )


def test_without_an_endpoint_a_refund_writes_its_emails_only(shop, seller):
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="5.00")

    assert sorted(Notice.objects.values_list("channel", "recipient_kind")) == [
        ("EMAIL", "CUSTOMER"),
        ("EMAIL", "SHOP"),
    ]
    assert Refund.objects.count() == 1
