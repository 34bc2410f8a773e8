"""Order list and detail run a constant number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/orders/", "/api/v1/orders/"])
def test_the_order_list_query_count_does_not_grow_with_rows(seller_client, shop, path):
    OrderFactory.create_batch(2, shop=shop)
    few = _count(lambda: seller_client.get(path))
    OrderFactory.create_batch(20, shop=shop)

    many = _count(lambda: seller_client.get(path))

    assert many == few


@pytest.mark.parametrize("path", ["/orders/{id}/", "/api/v1/orders/{id}/"])
def test_the_order_detail_query_count_does_not_grow_with_lines_or_events(seller_client, shop, path):
    small = OrderFactory(shop=shop, lines=[("A", "A", 1, "1.00")])
    large = OrderFactory(shop=shop, lines=[(f"S{i}", f"T{i}", 1, "1.00") for i in range(25)])

    assert _count(lambda: seller_client.get(path.format(id=large.pk))) == _count(
        lambda: seller_client.get(path.format(id=small.pk))
    )
