"""Benchmark: the order list (filters included) and the order-cycle job on 200,000 orders.

Run with `make bench` (or `python -m bench.bench_orders`). It uses its own PostgreSQL database
(`<DATABASE_URL's name>_bench`), fills it with generate_series, and prints wall times and the
plans PostgreSQL picks, so a missing index shows up as a Seq Scan.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ORDERS = int(os.environ.get("BENCH_ORDERS", "200000"))


def setup_django():
    import dj_database_url

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sellerdesk")
    config = dj_database_url.parse(base)
    bench_name = f"{config['NAME']}_bench"
    import psycopg

    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [bench_name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{bench_name}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + bench_name
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill():
    from django.db import connection

    from shops.models import Shop

    shop, _ = Shop.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    other, _ = Shop.objects.get_or_create(code="bench-other", defaults={"name": "Bench other"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_order WHERE shop_id = %s", [shop.pk])
        if cursor.fetchone()[0] >= ORDERS:
            return shop
        cursor.execute("DELETE FROM orders_orderevent")
        cursor.execute("DELETE FROM orders_orderline")
        cursor.execute("DELETE FROM orders_order")
        started = time.perf_counter()
        # Two shops, every state, dates over a year; names from a small Spanish list.
        cursor.execute(
            """
            INSERT INTO orders_order (shop_id, reference, state, customer_name, customer_email,
                customer_language, currency, shipping_amount, items_amount, total_amount, carrier,
                tracking_number, state_reason, created_at, accepted_at, shipped_at, received_at,
                closed_at, updated_at)
            SELECT CASE WHEN i %% 5 = 0 THEN %(other)s ELSE %(shop)s END,
                   'B-' || i,
                   (ARRAY['WAITING_ACCEPTANCE','SHIPPING','SHIPPED','RECEIVED','CLOSED','REFUSED','CANCELED'])[1 + i %% 7],
                   (ARRAY['María García','José Martínez','Lucía Fernández','Antonio López','Carmen Ruiz'])[1 + i %% 5] || ' ' || i,
                   'c' || i || '@example.com', 'es', 'EUR', 4.95, 20.00, 24.95, '', '', '',
                   now() - (i %% 365) * interval '1 day',
                   now() - (i %% 365) * interval '1 day',
                   CASE WHEN i %% 7 IN (2, 3, 4) THEN now() - (i %% 365) * interval '1 day' + interval '1 day' END,
                   CASE WHEN i %% 7 IN (3, 4) THEN now() - (i %% 365) * interval '1 day' + interval '3 days' END,
                   CASE WHEN i %% 7 = 4 THEN now() - (i %% 365) * interval '1 day' + interval '30 days' END,
                   now()
            FROM generate_series(1, %(count)s) AS i
            """,
            {"shop": shop.pk, "other": other.pk, "count": int(ORDERS * 1.25)},
        )
        cursor.execute("ANALYZE orders_order")
        print(f"filled {int(ORDERS * 1.25)} orders in {time.perf_counter() - started:.1f}s")
    return shop


def explain(label, queryset):
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
        elapsed = (time.perf_counter() - started) * 1000
    scans = [line.strip() for line in plan if "Scan" in line][:3]
    print(f"{label:<45} {elapsed:8.1f} ms   {' | '.join(scans)[:150]}")


def main():
    setup_django()
    shop = fill()
    from orders import selectors
    from orders.filters import OrderPageFilter

    def page(params):
        return OrderPageFilter(params, queryset=selectors.order_list(shop=shop)).qs[:25]

    print(f"\nOrder list, first page of 25, shop with {ORDERS} orders:")
    explain("no filter", page({}))
    explain("state=shipped", page({"state": "shipped"}))
    explain("customer contains 'garcía 12'", page({"customer": "garcía 12"}))
    explain("reference contains 'B-1234'", page({"reference": "B-1234"}))
    explain(
        "created in one week", page({"created_after": "2026-01-01", "created_before": "2026-01-07"})
    )

    from orders.services import orders_advance

    started = time.perf_counter()
    result = orders_advance()
    print(
        f"\norders_advance: {result.received} received, {result.closed} closed in "
        f"{(time.perf_counter() - started):.2f}s"
    )
    started = time.perf_counter()
    orders_advance()
    print(f"orders_advance again (nothing due): {(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
