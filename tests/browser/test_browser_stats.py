from datetime import timedelta

import pytest

from stats.periods import period_bounds
from tests.stats.conftest import shipped_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_seller_opens_the_dashboard_and_follows_the_orders_shipped_tile(page, login, seller):
    period = period_bounds(period="7d", tz=seller.shop.tzinfo)
    shipped_order(seller.shop, period.start, reference="NOR-7001")
    shipped_order(seller.shop, period.previous_start, reference="NOR-6001")

    login("norte")
    page.goto("/dashboard/")  # the home is the to-do list; the statistics are one click away
    page.click("[data-period='7d']")
    tile = page.locator("[data-tile=orders_shipped]")
    assert tile.locator("[data-testid=tile-value]").inner_text() == "1"
    assert page.locator("svg[role=img][aria-label='Orders shipped per day']").is_visible()
    tile.click()
    page.wait_for_load_state()

    assert "/orders/" in page.url
    assert f"shipped_after={period.first_day.isoformat()}" in page.url
    assert page.locator("text=NOR-7001").is_visible()
    assert page.locator("text=NOR-6001").count() == 0


def test_a_seller_follows_incidents_open_now_to_the_open_incidents(page, login, seller):
    from tests.stats.conftest import incident

    period = period_bounds(period="30d", tz=seller.shop.tzinfo)
    incident(shipped_order(seller.shop, period.start, reference="NOR-7101"), period.start)
    closed = shipped_order(seller.shop, period.start, reference="NOR-7102")
    incident(closed, period.start, closed_at=period.start + timedelta(hours=2))

    login("norte")
    page.goto("/dashboard/")
    tile = page.locator("[data-tile=incidents_open]")
    assert tile.locator("[data-testid=tile-value]").inner_text() == "1"
    tile.click()
    page.wait_for_load_state()

    assert page.url.endswith("/incidents/?not_closed=true")
    assert page.locator("text=NOR-7101").first.is_visible()
    assert page.locator("text=NOR-7102").count() == 0
