"""The operator's quality overview in the admin: every shop, sortable, alerts highlighted."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats.periods import period_bounds
from tests.factories import ShopFactory
from tests.stats.conftest import shipped_order

pytestmark = pytest.mark.django_db
URL = "/admin/stats/qualityoverview/"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _shop_order(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-shop="([^"]+)">', html)


def test_the_overview_lists_every_shop_with_its_numbers(operator_client, shop, other_shop):
    shipped_order(shop, period_bounds(period="30d", tz=shop.tzinfo).start)

    response = operator_client.get(URL)

    assert response.status_code == 200
    assert sorted(_shop_order(response.content.decode())) == ["norte", "sur"]


def test_the_admin_index_links_to_the_overview(operator_client):
    assert URL.encode() in operator_client.get("/admin/").content


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("orders_shipped", ["sur", "norte"]), ("-orders_shipped", ["norte", "sur"])],
)
def test_it_sorts_by_any_column_both_ways(operator_client, shop, other_shop, ordering, expected):
    start = period_bounds(period="30d", tz=shop.tzinfo).start
    shipped_order(shop, start)
    shipped_order(shop, start)
    shipped_order(other_shop, start)

    html = operator_client.get(f"{URL}?o={ordering}").content.decode()

    assert _shop_order(html) == expected


def test_an_unknown_sort_column_falls_back_to_the_shop_name(operator_client, shop, other_shop):
    html = operator_client.get(f"{URL}?o=password").content.decode()

    assert _shop_order(html) == ["sur", "norte"]  # Electrodomésticos… before Librería…


def test_a_seller_cannot_open_the_overview(seller_client):
    response = seller_client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_nothing_can_be_added_or_changed_there(operator_client, shop):
    assert operator_client.get(f"{URL}add/").status_code == 404
    assert operator_client.get(f"{URL}{shop.pk}/change/").status_code == 404


def test_the_overview_runs_a_constant_number_of_queries_however_many_shops(operator_client):
    ShopFactory(code="a")
    operator_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        operator_client.get(URL)
    for index in range(8):
        extra = ShopFactory(code=f"extra{index}", timezone="America/Lima" if index % 2 else "UTC")
        shipped_order(extra, period_bounds(period="30d", tz=extra.tzinfo).start)

    with CaptureQueriesContext(connection) as many:
        response = operator_client.get(URL)

    assert len(_shop_order(response.content.decode())) == 9
    assert len(many) == len(few)
