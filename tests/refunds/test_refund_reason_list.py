"""Refund reasons are the operator's list (messaging.Reason, kind refund): what the operator adds
or deactivates in the admin counts at once, and labels follow the request's language."""

import pytest

from messaging.models import Reason, ReasonKind
from refunds.models import Refund
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def _post(api, order, reason, **headers):
    return api.post(
        f"/api/v1/orders/{order.pk}/refunds/",
        {"reason": reason, "amount": "1.00"},
        format="json",
        **headers,
    )


def test_a_deactivated_refund_reason_is_refused_with_a_400_naming_reason(api, shipped_order):
    Reason.objects.filter(kind=ReasonKind.REFUND, code="goodwill").update(active=False)

    response = _post(api, shipped_order, "goodwill")

    assert response.status_code == 400
    assert (response.json()["code"], set(response.json()["fields"])) == ("invalid", {"reason"})
    assert not Refund.objects.exists()


@pytest.mark.parametrize("code", ["item_damaged", "refunded", "invoice_request"])
def test_a_reason_of_another_kind_is_refused(api, shipped_order, code):
    response = _post(api, shipped_order, code)

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert not Refund.objects.exists()


def test_a_refund_reason_the_operator_added_is_accepted_and_labelled(api, shipped_order):
    Reason.objects.create(
        kind=ReasonKind.REFUND,
        code="price_match",
        label_es="Igualar precio",
        label_en="Price match",
    )

    response = _post(api, shipped_order, "price_match", **EN)

    assert response.status_code == 201
    assert (response.json()["reason"], response.json()["reason_label"]) == (
        "price_match",
        "Price match",
    )


@pytest.mark.parametrize(("headers", "label"), [(EN, "Goodwill gesture"), (ES, "Gesto comercial")])
def test_refund_labels_follow_the_request_language(api, shipped_order, seller, headers, label):
    refund = make_refund(shipped_order, seller, reason="goodwill", amount="1.00").refund

    listed = api.get("/api/v1/refunds/", **headers).json()["results"]
    detail = api.get(f"/api/v1/refunds/{refund.pk}/", **headers).json()
    order = api.get(f"/api/v1/orders/{shipped_order.pk}/", **headers).json()

    assert [row["reason_label"] for row in listed] == [label]
    assert detail["reason_label"] == label
    assert [row["reason_label"] for row in order["refunds"]] == [label]


def test_a_refund_keeps_the_label_of_a_reason_deactivated_since(
    seller_client, shipped_order, seller
):
    refund = make_refund(shipped_order, seller, reason="late_delivery", amount="1.00").refund
    Reason.objects.filter(kind=ReasonKind.REFUND, code="late_delivery").update(active=False)

    page = seller_client.get("/refunds/", **EN).content.decode()
    detail = seller_client.get(f"/refunds/{refund.pk}/", **EN).content.decode()

    assert "Late delivery" in page and "Late delivery" in detail


def test_the_refund_form_offers_the_operators_list(seller_client, shipped_order):
    Reason.objects.create(
        kind=ReasonKind.REFUND,
        code="price_match",
        label_es="Igualar precio",
        label_en="Price match",
    )
    Reason.objects.filter(kind=ReasonKind.REFUND, code="goodwill").update(active=False)

    page = seller_client.get(f"/orders/{shipped_order.pk}/refunds/new/", **EN).content.decode()

    assert 'value="price_match"' in page
    assert 'value="goodwill"' not in page


def test_the_refund_form_refuses_a_reason_deactivated_meanwhile(seller_client, shipped_order):
    Reason.objects.filter(kind=ReasonKind.REFUND, code="goodwill").update(active=False)

    response = seller_client.post(
        f"/orders/{shipped_order.pk}/refunds/new/", {"reason": "goodwill", "amount": "1.00"}
    )

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert not Refund.objects.exists()
