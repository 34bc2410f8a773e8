"""The refund lists build their rows from `.values()` (refunds.api.LeanRefundList): the same
JSON as the serializers they replaced, field by field and in order, in both languages."""

import pytest
from django.utils.translation import override

from refunds import selectors
from refunds.api import OperatorRefundOutput, RefundOutput
from refunds.services import refund_refuse
from sellerdesk.tenancy import ALL_SHOPS
from tests.factories import OrderFactory
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def refunds(shop, seller, operator, shipped_order):
    make_refund(shipped_order, seller, lines=[("SKU-1", 1, None), ("SKU-2", 1, None)])
    refused = make_refund(
        OrderFactory.shipped(shop=shop, days_ago=3),
        seller,
        lines=[("SKU-1", 1, None)],
        shipping="1.00",
    )
    refund_refuse(refund=refused.refund, reason="Sin pruebas", acting_user=operator)


def _serialized(serializer, shop, language):
    with override(language):
        return [
            dict(serializer(refund).data) for refund in selectors.refund_detail_queryset(shop=shop)
        ]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_seller_list_answers_what_the_serializer_did(api, shop, refunds, language):
    response = api.get("/api/v1/refunds/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    results = response.json()["results"]
    assert results == _serialized(RefundOutput, shop, language)
    assert list(results[0]) == list(RefundOutput().fields)  # the keys in the schema's order
    assert len(results) == 2 and any(row["lines"] for row in results)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_operator_list_answers_what_the_serializer_did(operator_api, refunds, language):
    response = operator_api.get("/api/v1/operator/refunds/", HTTP_ACCEPT_LANGUAGE=language)

    results = response.json()["results"]
    assert results == _serialized(OperatorRefundOutput, ALL_SHOPS, language)
    assert list(results[0]) == list(OperatorRefundOutput().fields)
    assert any(row["decided_by"] for row in results)
