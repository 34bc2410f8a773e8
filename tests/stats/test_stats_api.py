"""GET /api/v1/stats/ (the seller's shop) and GET /api/v1/operator/stats/ (any shop)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from stats.periods import period_bounds
from tests.factories import ShopFactory
from tests.stats.conftest import shipped_order

pytestmark = pytest.mark.django_db


def test_the_seller_gets_the_numbers_of_their_shop_and_of_the_previous_period(api, shop):
    period = period_bounds(period="7d", tz=shop.tzinfo)
    shipped_order(shop, period.start)
    shipped_order(shop, period.previous_start)
    shipped_order(shop, period.previous_start)

    body = api.get("/api/v1/stats/?period=7d").json()

    assert body["shop"] == "norte"
    assert body["period"] == "7d"
    assert body["current"]["orders_shipped"] == 1
    assert body["previous"]["orders_shipped"] == 2


def test_the_period_bounds_are_iso_datetimes_of_the_shops_midnights(api, shop):
    period = period_bounds(period="30d", tz=shop.tzinfo)

    body = api.get("/api/v1/stats/?period=30d").json()

    assert parse_datetime(body["current"]["start"]) == period.start
    assert parse_datetime(body["current"]["end"]) == period.end
    assert parse_datetime(body["previous"]["start"]) == period.previous_start
    assert parse_datetime(body["previous"]["end"]) == period.start


def test_without_a_period_it_is_the_last_30_days(api):
    assert api.get("/api/v1/stats/").json()["period"] == "30d"


@pytest.mark.parametrize("url", ["/api/v1/stats/?period=1y", "/api/v1/operator/stats/?period=x"])
def test_a_bad_period_is_a_400_naming_the_field(api, operator_api, url):
    client = operator_api if "operator" in url else api

    response = client.get(url)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "period" in response.json()["fields"]


def test_another_shops_orders_never_count_for_the_seller(api, shop, other_shop):
    period = period_bounds(period="7d", tz=other_shop.tzinfo)
    shipped_order(other_shop, period.start)

    assert api.get("/api/v1/stats/?period=7d").json()["current"]["orders_shipped"] == 0


def test_a_seller_key_on_the_operator_endpoint_is_a_403(api, other_shop):
    response = api.get(f"/api/v1/operator/stats/?shop={other_shop.code}")

    assert response.status_code == 403


def test_an_operator_key_on_the_seller_endpoint_is_a_403(operator_api):
    assert operator_api.get("/api/v1/stats/").status_code == 403


def test_without_a_key_it_is_a_401(client):
    assert client.get("/api/v1/stats/").status_code in (401, 403)


def test_the_operator_gets_one_shops_numbers(operator_api, shop, other_shop):
    shipped_order(other_shop, period_bounds(period="7d", tz=other_shop.tzinfo).start)

    body = operator_api.get("/api/v1/operator/stats/?shop=sur&period=7d").json()

    assert body["shop"] == "sur"
    assert body["current"]["orders_shipped"] == 1


def test_the_operator_gets_every_shop_as_a_list(operator_api, shop, other_shop):
    shipped_order(shop, period_bounds(period="7d", tz=shop.tzinfo).start)

    body = operator_api.get("/api/v1/operator/stats/?period=7d").json()

    assert {row["shop"]: row["current"]["orders_shipped"] for row in body} == {
        "norte": 1,
        "sur": 0,
    }


def test_an_unknown_shop_is_a_404(operator_api):
    response = operator_api.get("/api/v1/operator/stats/?shop=nope")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_seller_endpoint_runs_a_constant_number_of_queries(api, shop):
    api.get("/api/v1/stats/?period=90d")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/stats/?period=90d")
    period = period_bounds(period="90d", tz=shop.tzinfo)
    for _ in range(5):
        shipped_order(shop, period.start)

    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/stats/?period=90d")

    assert len(many) == len(few)


def test_the_operator_list_runs_a_constant_number_of_queries_however_many_shops(operator_api):
    ShopFactory(code="a")
    operator_api.get("/api/v1/operator/stats/")
    with CaptureQueriesContext(connection) as few:
        operator_api.get("/api/v1/operator/stats/")
    for index in range(6):
        extra = ShopFactory(code=f"extra{index}", timezone="America/Lima" if index % 2 else "UTC")
        shipped_order(extra, period_bounds(period="30d", tz=extra.tzinfo).start)

    with CaptureQueriesContext(connection) as many:
        body = operator_api.get("/api/v1/operator/stats/").json()

    assert len(body) == 7
    assert len(many) == len(few)


def test_refund_numbers_are_rates_and_money_strings_per_currency(api, shop):
    from tests.stats.conftest import refund

    period = period_bounds(period="7d", tz=shop.tzinfo)
    orders = [shipped_order(shop, period.start) for _ in range(3)]
    refund(orders[0], "12.50", period.start)

    current = api.get("/api/v1/stats/?period=7d").json()["current"]

    assert current["orders_refunded"] == 1
    assert current["refunds_count"] == 1
    assert current["refund_rate"] == 0.3333
    assert current["refunded_amounts"] == [{"currency": "EUR", "amount": "12.50"}]


def test_without_shipments_the_rates_are_null(api):
    assert api.get("/api/v1/stats/").json()["current"]["refund_rate"] is None
