"""The seller's dashboard: tiles that link to their lists, period switcher, charts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats.periods import period_bounds
from tests.stats.conftest import shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _tile(html: str, key: str) -> str:
    return re.search(
        rf'<a class="tile[^"]*" href="([^"]*)" data-tile="{key}">(.*?)</a>', html, re.S
    )


def test_the_home_is_the_to_do_list_with_the_statistics_one_click_away(seller_client):
    response = seller_client.get("/")

    assert response.status_code == 200
    assert 'href="/dashboard/" data-testid="statistics-link"' in response.content.decode()


def test_the_orders_shipped_tile_shows_the_period_and_links_to_those_orders(seller_client, shop):
    period = period_bounds(period="7d", tz=shop.tzinfo)
    shipped_order(shop, period.start)
    shipped_order(shop, period.previous_start)
    shipped_order(shop, period.previous_start)

    html = seller_client.get("/dashboard/?period=7d").content.decode()

    tile = _tile(html, "orders_shipped")
    assert tile.group(1) == (
        f"/orders/?shipped_after={period.first_day.isoformat()}"
        f"&amp;shipped_before={period.last_day.isoformat()}"
    )
    assert '<div class="value" data-testid="tile-value">1</div>' in tile.group(2)
    assert "previous period: 2" in tile.group(2)
    assert 'class="trend trend-down"' in tile.group(2)


def test_the_tile_link_lists_exactly_the_orders_it_counts(seller_client, shop, other_shop):
    period = period_bounds(period="7d", tz=shop.tzinfo)
    counted = shipped_order(shop, period.start)
    before = shipped_order(shop, period.previous_start)
    html = seller_client.get("/dashboard/?period=7d").content.decode()
    url = _tile(html, "orders_shipped").group(1).replace("&amp;", "&")

    listed = seller_client.get(url).content.decode()

    assert counted.reference in listed
    assert before.reference not in listed


def test_the_period_switcher_offers_7_30_and_90_days(seller_client):
    html = seller_client.get("/dashboard/?period=90d").content.decode()

    assert re.findall(r'data-period="(\w+)"', html) == ["7d", "30d", "90d"]
    assert re.search(r'class="button primary" aria-current="page" data-period="90d"', html)


def test_charts_have_one_bar_band_per_day_of_the_period(seller_client):
    html = seller_client.get("/dashboard/?period=30d").content.decode()

    assert 'data-chart="chart-orders-shipped"' in html
    table = html.split('data-chart="chart-orders-shipped"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 30


def test_a_bad_period_shows_the_default_with_a_message(seller_client):
    response = seller_client.get("/dashboard/?period=12d")

    assert response.status_code == 400
    assert b"Unknown period" in response.content
    assert b'aria-current="page" data-period="30d"' in response.content


def test_operators_are_sent_to_the_admin(operator_client):
    response = operator_client.get("/dashboard/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/")


def test_the_dashboard_runs_a_constant_number_of_queries(seller_client, shop):
    seller_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        seller_client.get("/dashboard/?period=90d")
    period = period_bounds(period="90d", tz=shop.tzinfo)
    for day in range(0, 90, 3):
        shipped_order(shop, period.start + (period.end - period.start) * day / 90)

    with CaptureQueriesContext(connection) as many:
        response = seller_client.get("/dashboard/?period=90d")

    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_refund_tiles_link_to_the_refunds_of_the_period(seller_client, shop):
    from tests.stats.conftest import refund

    period = period_bounds(period="30d", tz=shop.tzinfo)
    order = shipped_order(shop, period.start)
    counted = refund(order, "8.00", period.start)
    not_counted = refund(order, "2.00", period.start, state="REFUSED")
    html = seller_client.get("/dashboard/?period=30d").content.decode()
    # The rate's list is its cohort (orders shipped in the period with a refund that counts);
    # the amount's list is the refunds it adds up.
    assert _tile(html, "refund_rate").group(1).replace("&amp;", "&") == (
        f"/orders/?shipped_after={period.first_day.isoformat()}"
        f"&shipped_before={period.last_day.isoformat()}&refunded=true"
    )
    url = _tile(html, "refunded_amount").group(1).replace("&amp;", "&")

    assert url == (
        f"/refunds/?created_after={period.first_day.isoformat()}"
        f"&created_before={period.last_day.isoformat()}&not_refused=true"
    )
    assert "€8.00" in _tile(html, "refunded_amount").group(2)
    listed = seller_client.get(url).content.decode()
    assert f"/refunds/{counted.pk}/" in listed
    assert f"/refunds/{not_counted.pk}/" not in listed  # the tile does not count it either
