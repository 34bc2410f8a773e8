"""Every seller request runs on the shop's clock, every admin request on the operator's.

The shops here are in Pacific/Auckland (+13 h in March) and America/New_York (−5 h): each test
picks moments that fall on different calendar days there and in Madrid (the server's zone), so it
would fail if a day were counted on the server's clock.
"""

import zoneinfo
from datetime import datetime

import pytest
from django.utils import formats, timezone

from messaging import services as messaging_services
from messaging.reasons import reasons_seed_defaults
from tests.factories import OperatorFactory, OrderFactory, SellerFactory, ShopFactory

UTC = zoneinfo.ZoneInfo("UTC")
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def auckland_client(client, db):
    shop = ShopFactory(code="kiwi", name="Kiwi Books", timezone="Pacific/Auckland")
    client.force_login(SellerFactory(username="kiwi", shop=shop))
    client.shop = shop
    return client


@pytest.fixture
def new_york_client(client, db):
    shop = ShopFactory(code="nyc", name="NYC Books", timezone="America/New_York")
    client.force_login(SellerFactory(username="nyc", shop=shop))
    client.shop = shop
    return client


def test_an_auckland_shops_day_filter_starts_at_midnight_in_auckland(auckland_client, settings):
    assert settings.TIME_ZONE == "Europe/Madrid"
    shop = auckland_client.shop
    # 1 March 00:30 in Auckland (still 28 February in Madrid) and 28 February 23:30 in Auckland.
    OrderFactory(
        shop=shop, reference="KIWI-MARCH", created_at=datetime(2026, 2, 28, 11, 30, tzinfo=UTC)
    )
    OrderFactory(
        shop=shop, reference="KIWI-FEB", created_at=datetime(2026, 2, 28, 10, 30, tzinfo=UTC)
    )

    from_march = auckland_client.get("/orders/?created_after=2026-03-01").content.decode()
    until_february = auckland_client.get("/orders/?created_before=2026-02-28").content.decode()

    assert "KIWI-MARCH" in from_march and "KIWI-FEB" not in from_march
    assert "KIWI-FEB" in until_february and "KIWI-MARCH" not in until_february


def test_an_auckland_shops_pages_show_auckland_time(auckland_client):
    order = OrderFactory(
        shop=auckland_client.shop, created_at=datetime(2026, 2, 28, 11, 30, tzinfo=UTC)
    )

    page = auckland_client.get(f"/orders/{order.pk}/").content.decode()

    assert "1 mar 2026, 0:30" in page  # Madrid would say 28 feb 2026, 12:30
    assert "28 feb 2026" not in page


def test_a_new_york_shops_inbox_counts_the_last_message_day_in_new_york(new_york_client):
    reasons_seed_defaults()
    order = OrderFactory(shop=new_york_client.shop, reference="NYC-1")
    # 1 March 22:30 in New York, already 2 March 04:30 in Madrid.
    messaging_services.thread_import(
        order=order,
        author="customer",
        reason_code="order_question",
        subject="Late evening question",
        body="Where is it?",
        sent_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
        acting_user=None,
    )

    on_first = new_york_client.get(
        "/messages/?last_message_after=2026-03-01&last_message_before=2026-03-01"
    ).content.decode()
    on_second = new_york_client.get("/messages/?last_message_after=2026-03-02").content.decode()

    assert "Late evening question" in on_first
    assert "Late evening question" not in on_second


def test_a_new_york_shops_api_counts_days_in_new_york(new_york_client):
    from rest_framework.test import APIClient

    from shops.services import api_key_issue

    seller = new_york_client.shop.users.get()
    _key, raw = api_key_issue(user=seller, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    OrderFactory(
        shop=new_york_client.shop,
        reference="NYC-LATE",
        created_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
    )

    # A time without an offset is a time on the shop's clock: 1 March 22:00 in New York.
    body = api.get("/api/v1/orders/?created_after=2026-03-01T22:00:00").json()

    assert [order["reference"] for order in body["results"]] == ["NYC-LATE"]
    later = api.get("/api/v1/orders/?created_after=2026-03-01T23:00:00").json()
    assert later["results"] == []


def test_an_operator_reads_the_admin_on_their_own_clock(client, db):
    operator = OperatorFactory(username="ops-ny", timezone="America/New_York")
    client.force_login(operator)
    shop = ShopFactory(code="kiwi", timezone="Pacific/Auckland")
    moment = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    order = OrderFactory(shop=shop, reference="KIWI-ADMIN", created_at=moment)

    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    with timezone.override(NEW_YORK):
        new_york = formats.localize(timezone.localtime(moment).date())
    with timezone.override(zoneinfo.ZoneInfo("Europe/Madrid")):
        madrid = formats.localize(timezone.localtime(moment).date())
    assert new_york != madrid
    assert 'value="' + new_york + '"' in page or new_york in page
    assert "22:30" in page and "04:30" not in page


def test_an_operator_without_a_timezone_reads_the_marketplaces(client, db, settings):
    settings.OPERATOR_TIME_ZONE = "Pacific/Auckland"
    client.force_login(OperatorFactory(username="ops-default"))
    order = OrderFactory(
        shop=ShopFactory(code="nyc2", timezone="America/New_York"),
        created_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
    )

    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "16:30" in page  # 2 March 16:30 in Auckland
