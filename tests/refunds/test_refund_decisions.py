"""The operator confirms (REFUNDED) or refuses (REFUSED) a pending refund, in the API and the admin."""

import pytest

from orders.models import OrderEvent, OrderEventKind
from refunds.models import Refund, RefundState
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(seller, shipped_order):
    return make_refund(shipped_order, seller, amount="10.00").refund


def test_the_operator_confirms_a_pending_refund(operator_api, operator, pending):
    response = operator_api.post(f"/api/v1/operator/refunds/{pending.pk}/confirm/")

    assert response.status_code == 200
    assert response.json()["state"] == "refunded"
    assert response.json()["decided_by"] == operator.username
    assert OrderEvent.objects.filter(kind=OrderEventKind.REFUND_CONFIRMED, actor=operator).exists()


def test_the_operator_refuses_with_a_reason(operator_api, pending):
    response = operator_api.post(
        f"/api/v1/operator/refunds/{pending.pk}/refuse/", {"reason": "Sin fondos"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "refused"
    assert response.json()["refuse_reason"] == "Sin fondos"
    assert OrderEvent.objects.get(kind=OrderEventKind.REFUND_REFUSED).summary.endswith("Sin fondos")


def test_refusing_needs_a_reason(operator_api, pending):
    response = operator_api.post(
        f"/api/v1/operator/refunds/{pending.pk}/refuse/", {}, format="json"
    )

    assert response.status_code == 400
    assert Refund.objects.get(pk=pending.pk).state == RefundState.PENDING


@pytest.mark.parametrize("action", ["confirm", "refuse"])
def test_a_decided_refund_cannot_be_decided_again(operator_api, pending, action):
    operator_api.post(f"/api/v1/operator/refunds/{pending.pk}/confirm/")

    response = operator_api.post(
        f"/api/v1/operator/refunds/{pending.pk}/{action}/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "refund_not_pending"
    assert Refund.objects.get(pk=pending.pk).state == RefundState.REFUNDED


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/operator/refunds/"),
        ("get", "/api/v1/operator/refunds/{id}/"),
        ("post", "/api/v1/operator/refunds/{id}/confirm/"),
        ("post", "/api/v1/operator/refunds/{id}/refuse/"),
    ],
)
def test_sellers_cannot_use_the_operator_endpoints(api, pending, method, path):
    response = getattr(api, method)(path.format(id=pending.pk), {"reason": "x"}, format="json")

    assert response.status_code == 403
    assert Refund.objects.get(pk=pending.pk).state == RefundState.PENDING


def test_the_operator_lists_every_shops_refunds_and_filters_by_shop(
    operator_api, seller, other_seller, shipped_order, other_shipped_order
):
    make_refund(shipped_order, seller, amount="1.00")
    make_refund(other_shipped_order, other_seller, amount="2.00")

    everything = operator_api.get("/api/v1/operator/refunds/").json()["results"]
    sur = operator_api.get("/api/v1/operator/refunds/?shop=sur").json()["results"]

    assert {row["shop"] for row in everything} == {"norte", "sur"}
    assert [row["total_amount"] for row in sur] == ["2.00"]


def test_the_admin_lists_refunds_with_filters(operator_client, pending):
    response = operator_client.get(
        "/admin/refunds/refund/?state__exact=PENDING&shop__id__exact=" + str(pending.shop_id)
    )

    assert response.status_code == 200
    assert (
        f"#{pending.pk}" in response.content.decode()
        or str(pending.order.reference) in response.content.decode()
    )


def test_the_admin_shows_a_refund_with_its_lines(operator_client, pending):
    response = operator_client.get(f"/admin/refunds/refund/{pending.pk}/change/")

    assert response.status_code == 200
    assert "SKU-1" in response.content.decode()


def test_the_admin_confirms_through_the_service(operator_client, operator, pending):
    response = operator_client.post(
        "/admin/refunds/refund/",
        {"action": "confirm_refunds", "_selected_action": [pending.pk]},
        follow=True,
    )

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.state == RefundState.REFUNDED
    assert pending.decided_by == operator


def test_the_admin_asks_for_the_reason_before_refusing(operator_client, pending):
    asked = operator_client.post(
        "/admin/refunds/refund/", {"action": "refuse_refunds", "_selected_action": [pending.pk]}
    )
    refused = operator_client.post(
        "/admin/refunds/refund/",
        {
            "action": "refuse_refunds",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "El pago fue rechazado",
        },
        follow=True,
    )

    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    assert refused.status_code == 200
    pending.refresh_from_db()
    assert pending.state == RefundState.REFUSED
    assert pending.refuse_reason == "El pago fue rechazado"


def test_the_admin_reports_a_refund_that_was_already_decided(operator_client, operator, pending):
    from refunds.services import refund_confirm

    refund_confirm(refund=pending, acting_user=operator)

    response = operator_client.post(
        "/admin/refunds/refund/",
        {"action": "confirm_refunds", "_selected_action": [pending.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "only a pending refund can be decided" in response.content.decode()
