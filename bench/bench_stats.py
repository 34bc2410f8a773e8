"""Benchmark: the quality statistics of a shop with 200,000 orders (issue: the dashboard must
stay fast at 100,000 orders), with 2,000 incidents on them.

Reuses bench_orders' database and fill; prints the time of `shop_quality` (every tile, current
and previous period), of `daily_series` (the charts) and of the operator overview.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_orders import fill, setup_django


def add_incidents(shop):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM incidents_incident WHERE shop_id = %s", [shop.pk])
        if cursor.fetchone()[0]:
            return
        # One incident on every 100th shipped-or-later order; half of them closed two days later.
        cursor.execute(
            """
            INSERT INTO incidents_incident (shop_id, order_id, opened_by, reason, description,
                state, opened_at, resolved_at, closed_at, waiting_since, resolution_reason)
            SELECT o.shop_id, o.id, 'CUSTOMER', 'item_damaged', 'bench',
                   CASE WHEN o.id %% 2 = 0 THEN 'CLOSED' ELSE 'OPEN' END,
                   o.shipped_at + interval '1 day',
                   CASE WHEN o.id %% 2 = 0 THEN o.shipped_at + interval '2 days' END,
                   CASE WHEN o.id %% 2 = 0 THEN o.shipped_at + interval '3 days' END,
                   CASE WHEN o.id %% 2 = 0 THEN NULL ELSE o.shipped_at + interval '1 day' END,
                   CASE WHEN o.id %% 2 = 0 THEN 'refunded' ELSE '' END
            FROM orders_order o
            WHERE o.shop_id = %s AND o.shipped_at IS NOT NULL AND o.id %% 100 = 0
            """,
            [shop.pk],
        )
        cursor.execute("ANALYZE incidents_incident")


def timed(label, function, repeat=3):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<50} {best * 1000:8.1f} ms (best of {repeat})")


def main():
    setup_django()
    shop = fill()
    add_incidents(shop)
    # The fill writes rows with SQL, not through the services: derive the per-day counters.
    from stats.rebuild import rollup_rebuild

    rollup_rebuild([shop.pk])
    from stats.periods import period_bounds
    from stats.selectors import daily_series, shop_quality, shops_quality

    for period in ("7d", "30d", "90d"):
        timed(
            f"shop_quality {period}", lambda period=period: shop_quality(shop=shop, period=period)
        )
    bounds = period_bounds(period="90d", tz=shop.tzinfo)
    timed("daily_series 90d (the charts)", lambda: daily_series(shop=shop, period=bounds))
    timed("shops_quality 30d (operator overview)", lambda: shops_quality(period="30d"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
