"""The seller's Integrations page (endpoints, the secret once, the delivery log with "resend")
and the operator's admin (the outbox, retrying failed notices, failures per shop, endpoints)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notice, NoticeState, WebhookEndpoint
from notifications.services import notices_deliver, webhook_endpoint_create
from tests.factories import OrderFactory
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(shop, seller):
    return webhook_endpoint_create(
        shop=shop,
        url="https://erp.example.com/hooks",
        events=["refund.created"],
        acting_user=seller,
    )


def test_the_seller_adds_an_endpoint_and_sees_its_secret_once(seller_client):
    response = seller_client.post(
        "/settings/integrations/",
        {
            "url": "https://erp.example.com/hooks",
            "description": "ERP",
            "events": ["refund.created"],
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    again = seller_client.get(f"/settings/integrations/{endpoint.pk}/")
    assert endpoint.secret not in again.content.decode()
    assert endpoint.secret_hint in again.content.decode()


def test_a_url_inside_our_network_is_refused_next_to_the_field(seller_client):
    response = seller_client.post(
        "/settings/integrations/", {"url": "https://10.0.0.8/hooks", "events": ["refund.created"]}
    )

    assert response.status_code == 400
    assert "no es accesible desde internet" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_attempts_and_resends(
    seller_client, seller, shop, endpoint, settings
):
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    delivery = Notice.objects.get(endpoint=endpoint)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    endpoint.url = "https://127.0.0.1:9/nothing"
    endpoint.save(update_fields=["url"])
    notices_deliver(notice_ids=[delivery.pk])  # refused: nothing listens there

    page = seller_client.get(f"/settings/integrations/{endpoint.pk}/")
    resend = seller_client.post(
        f"/settings/integrations/{endpoint.pk}/deliveries/{delivery.pk}/resend/"
    )

    html = page.content.decode()
    assert 'data-testid="attempts">1<' in html
    assert delivery.event_id in html
    assert resend.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.state, delivery.first_attempt_at) == (NoticeState.PENDING, None)


def test_the_seller_pauses_enables_rotates_and_deletes(seller_client, endpoint):
    base = f"/settings/integrations/{endpoint.pk}/"
    old_secret = endpoint.secret

    seller_client.post(base + "disable/")
    paused = WebhookEndpoint.objects.get().is_active
    seller_client.post(base + "enable/")
    rotated = seller_client.post(base + "rotate/")
    endpoint.refresh_from_db()
    seller_client.post(base + "delete/")

    assert paused is False and endpoint.is_active
    assert endpoint.secret != old_secret and endpoint.secret in rotated.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/settings/integrations/{id}/"),
        ("post", "/settings/integrations/{id}/rotate/"),
        ("post", "/settings/integrations/{id}/delete/"),
        ("post", "/settings/integrations/{id}/deliveries/{delivery}/resend/"),
    ],
)
def test_another_shops_endpoint_is_a_404_on_every_page(
    seller_client, other_shop, other_seller, method, path
):
    foreign = webhook_endpoint_create(
        shop=other_shop,
        url="https://sur.example.com/h",
        events=["refund.created"],
        acting_user=other_seller,
    )
    make_refund(OrderFactory.shipped(shop=other_shop), other_seller, amount="1.00")
    delivery = Notice.objects.get(endpoint=foreign)

    response = getattr(seller_client, method)(path.format(id=foreign.pk, delivery=delivery.pk))

    assert response.status_code == 404
    assert WebhookEndpoint.objects.get().secret == foreign.secret


def test_the_integrations_page_runs_a_constant_number_of_queries(seller_client, seller, shop):
    def page_queries(count):
        for index in range(count):
            webhook_endpoint_create(
                shop=shop,
                url=f"https://erp{index}.example.com/",
                events=["refund.created"],
                acting_user=seller,
            )
        with CaptureQueriesContext(connection) as queries:
            assert seller_client.get("/settings/integrations/").status_code == 200
        return len(queries)

    assert page_queries(1) == page_queries(3)


# --- Admin ----------------------------------------------------------------------------------


def test_the_operator_sees_the_outbox_and_why_a_notice_failed(
    operator_client, seller, shop, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 18199  # nothing listens there
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    notice = Notice.objects.filter(recipient_kind="CUSTOMER").get()
    notices_deliver(notice_ids=[notice.pk])
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.FAILED)

    listing = operator_client.get("/admin/notifications/notice/?state__exact=FAILED")
    detail = operator_client.get(f"/admin/notifications/notice/{notice.pk}/change/")
    failures = operator_client.get("/admin/notifications/notice/failures/")

    assert listing.status_code == detail.status_code == failures.status_code == 200
    assert "refund.created" in listing.content.decode()
    assert "ConnectionRefusedError" in detail.content.decode()
    assert f'data-shop="{shop.code}"' in failures.content.decode()


def test_the_operator_retries_failed_notices(operator_client, seller, shop):
    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    Notice.objects.update(state=NoticeState.FAILED, attempts=3)

    response = operator_client.post(
        "/admin/notifications/notice/",
        {
            "action": "retry_failed",
            "_selected_action": list(Notice.objects.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 302
    assert set(Notice.objects.values_list("state", flat=True)) == {NoticeState.PENDING}


def test_the_operator_registers_the_marketplaces_endpoint_and_sees_its_secret_once(operator_client):
    response = operator_client.post(
        "/admin/notifications/webhookendpoint/add/",
        {
            "shop": "",
            "url": "https://crm.marketplace.example/hooks",
            "description": "CRM",
            "events": ["incident.opened"],
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.shop is None
    assert endpoint.secret in response.content.decode()
    assert (
        endpoint.secret
        not in operator_client.get(
            f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
        ).content.decode()
    )


def test_the_admin_refuses_an_endpoint_inside_our_network(operator_client):
    response = operator_client.post(
        "/admin/notifications/webhookendpoint/add/",
        {"shop": "", "url": "https://192.168.0.10/hooks", "events": ["incident.opened"]},
    )

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_the_send_notices_command_runs_the_sweep_once(seller, shop):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import F

    make_refund(OrderFactory.shipped(shop=shop), seller, amount="1.00")
    Notice.objects.update(created_at=F("created_at") - timedelta(minutes=5))
    out = StringIO()

    call_command("send_notices", stdout=out)

    assert "sent 2" in out.getvalue()
    assert set(Notice.objects.values_list("state", flat=True)) == {NoticeState.SENT}
