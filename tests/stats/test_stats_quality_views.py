"""Messages and incidents on the dashboard, the API and the overview: known answers, links."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stats.periods import period_bounds
from tests.stats.conftest import incident, refund, shipped_order
from tests.stats.test_stats_messages import _answered, _message, _thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def known_history(shop, other_shop):
    """This week: answers after 2 h, 10 h and 50 h; 4 orders shipped, 1 with an incident."""
    period = period_bounds(period="7d", tz=shop.tzinfo)
    start = period.start
    for hours in (2, 10, 50):
        _answered(shop, start + timedelta(hours=1), timedelta(hours=hours))
    orders = [shipped_order(shop, start + timedelta(hours=1)) for _ in range(4)]
    incident(orders[0], start + timedelta(hours=2), closed_at=start + timedelta(hours=8))
    incident(orders[1], timezone.now() - timedelta(hours=3))
    now = timezone.now()
    _thread(
        shop, reply_needed_since=now - timedelta(hours=50), reply_due_at=now - timedelta(hours=2)
    )
    _answered(other_shop, start + timedelta(hours=1), timedelta(hours=100))
    return period


def test_the_api_gives_the_known_answers(api, known_history):
    body = api.get("/api/v1/stats/?period=7d").json()

    current = body["current"]
    assert current["messages_answered"] == 3
    assert current["reply_delay_average_hours"] == 20.67
    assert current["reply_delay_median_hours"] == 10.0
    assert current["within_deadline_share"] == 0.6667
    assert current["answered_after_deadline"] == 1
    assert current["orders_shipped"] == 4
    assert current["orders_with_incident"] == 2
    assert current["incident_rate"] == 0.5
    assert current["close_time_median_hours"] == 6.0
    assert body["now"]["threads_awaiting_reply"] == 1
    assert body["now"]["threads_overdue"] == 1
    assert body["now"]["incidents_open"] == 1
    assert body["now"]["incidents_open_median_age_hours"] == pytest.approx(3, abs=0.05)
    assert body["previous"]["reply_delay_average_hours"] is None


def _tile_url(html: str, key: str) -> str:
    match = re.search(rf'<a class="tile[^"]*" href="([^"]*)" data-tile="{key}">', html)
    return match.group(1).replace("&amp;", "&")


def test_the_now_tiles_link_to_the_filtered_lists(seller_client, known_history):
    html = seller_client.get("/dashboard/?period=7d").content.decode()

    assert _tile_url(html, "threads_overdue") == "/messages/?deadline=overdue"
    assert _tile_url(html, "threads_awaiting_reply") == "/messages/?deadline=awaiting_reply"
    assert _tile_url(html, "incidents_open") == "/incidents/?not_closed=true"
    # The rate is over the orders shipped in the period: its list is those that had one.
    assert _tile_url(html, "incident_rate") == (
        f"/orders/?shipped_after={known_history.first_day.isoformat()}"
        f"&shipped_before={known_history.last_day.isoformat()}&had_incident=true"
    )


def test_the_overdue_link_lists_the_overdue_thread(seller_client, shop, known_history):
    listed = seller_client.get("/messages/?deadline=overdue")

    assert listed.status_code == 200
    overdue = shop.threads.get(reply_due_at__isnull=False)
    assert f"/messages/{overdue.pk}/" in listed.content.decode()


def test_the_dashboard_has_the_three_daily_charts(seller_client, known_history):
    html = seller_client.get("/dashboard/?period=7d").content.decode()

    for chart in ("chart-replies", "chart-incidents", "chart-refunds"):
        assert f'data-chart="{chart}"' in html


def test_the_overview_highlights_shops_past_the_thresholds(
    operator_client, settings, known_history
):
    settings.STATS_ALERT_OVERDUE = 1

    html = operator_client.get("/admin/stats/qualityoverview/?period=7d").content.decode()

    norte = re.search(r'<tr class="([^"]*)" data-shop="norte">', html).group(1)
    sur = re.search(r'<tr class="([^"]*)" data-shop="sur">', html).group(1)
    assert norte == "alert"  # incident rate 50 % > 5 %, 1 overdue ≥ 1
    assert sur == "alert"  # a 100 h average reply delay > 24 h


def test_a_shop_within_every_threshold_is_not_highlighted(operator_client, shop, other_shop):
    period = period_bounds(period="7d", tz=shop.tzinfo)
    _answered(shop, period.start + timedelta(hours=1), timedelta(hours=1))

    html = operator_client.get("/admin/stats/qualityoverview/?period=7d").content.decode()

    assert re.search(r'<tr class="" data-shop="norte">', html)


def test_the_overview_sorts_by_reply_delay(operator_client, known_history):
    html = operator_client.get(
        "/admin/stats/qualityoverview/?o=-reply_delay_average"
    ).content.decode()

    assert re.findall(r'data-shop="(\w+)"', html) == ["sur", "norte"]


def _activity(shop, period, count):
    for index in range(count):
        order = shipped_order(shop, period.start + timedelta(hours=index))
        incident(
            order,
            period.start + timedelta(hours=index),
            closed_at=period.start + timedelta(hours=index + 5),
        )
        refund(order, "3.00", period.start + timedelta(hours=index))
        thread = _thread(shop)
        _message(thread, "CUSTOMER", period.start + timedelta(hours=index))


def test_dashboard_api_and_overview_run_a_constant_number_of_queries(
    seller_client, api, operator, shop, other_shop
):
    operator_client = Client()
    operator_client.force_login(operator)
    period = period_bounds(period="90d", tz=shop.tzinfo)
    urls = [
        (seller_client, "/dashboard/?period=90d"),
        (api, "/api/v1/stats/?period=90d"),
        (operator_client, "/admin/stats/qualityoverview/?period=90d"),
    ]
    for client, url in urls:
        client.get(url)
    counts = []
    for client, url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    _activity(shop, period, 6)
    _activity(other_shop, period, 3)

    for (client, url), before in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == before, url
    # The ceiling for a page, the session, its user and the shop included.
    assert counts[0] <= 10, counts


def _rows(client, url: str, marker: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().count(marker)


def test_every_counting_tile_opens_a_list_of_exactly_what_it_counts(
    seller_client, shop, known_history
):
    # A resolved incident still counts as open now (it awaits the operator): the list must show it.
    resolved = shipped_order(shop, known_history.start + timedelta(hours=1))
    incident(resolved, timezone.now() - timedelta(hours=5), resolved_at=timezone.now())
    html = seller_client.get("/dashboard/?period=7d").content.decode()

    def value(key):
        tile = re.search(rf'data-tile="{key}">(.*?)</a>', html, re.S).group(1)
        return int(re.search(r'data-testid="tile-value">([^<]*)<', tile).group(1))

    assert value("incidents_open") == 2
    assert (
        _rows(seller_client, _tile_url(html, "incidents_open"), 'data-testid="incident-row"') == 2
    )
    assert value("threads_overdue") == _rows(
        seller_client, _tile_url(html, "threads_overdue"), "data-thread="
    )
    assert value("threads_awaiting_reply") == _rows(
        seller_client, _tile_url(html, "threads_awaiting_reply"), "data-thread="
    )
    assert value("orders_shipped") == 5
    assert _rows(seller_client, _tile_url(html, "orders_shipped"), 'data-testid="order-row"') == 5


def test_the_reply_delay_tiles_open_the_conversations_whose_waits_they_measure(
    seller_client, known_history
):
    html = seller_client.get("/dashboard/?period=7d").content.decode()
    url = _tile_url(html, "reply_delay_average")

    assert url == (
        f"/messages/?wait_started_after={known_history.first_day.isoformat()}"
        f"&wait_started_before={known_history.last_day.isoformat()}&wait=answered"
    )
    # The three answered waits of this week; not the thread whose wait began before it.
    assert _rows(seller_client, url, "data-thread=") == 3
    # The share judges the same answered waits plus any late without an answer (none here).
    assert _tile_url(html, "within_deadline_share") == url.replace("answered", "judged")


def test_a_list_shows_its_active_filters_each_removable(seller_client, known_history):
    url = f"/incidents/?not_closed=true&opened_after={known_history.first_day.isoformat()}"
    html = seller_client.get(url).content.decode()

    chips = re.findall(r'<li class="chip" data-filter="([^"]+)">', html)
    assert chips == ["opened_after", "not_closed"]
    assert "Not closed yet:</span> <strong>yes</strong>" in html
    assert f'href="?opened_after={known_history.first_day.isoformat()}" class="chip-remove"' in html
