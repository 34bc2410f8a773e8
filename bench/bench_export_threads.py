"""Exporting 100,000 conversations of one shop as CSV and XLSX: time and peak memory.

Builds BENCH_EXPORT_THREADS threads (default 100,000; 10 per order, each with a customer
message and, for most, the shop's reply) in its own database (BENCH_DATABASE_NAME, default
sd_bench_export, on the server of DATABASE_URL) with INSERT ... SELECT, then runs the exports
the pages and the API serve (the same rows, columns and writers), consuming the file as a
client would. Memory: tracemalloc's peak of Python allocations during the export, for the
first 10,000 threads and for all of them: constant memory means the two are close.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/bench_export_threads.py
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "sd_bench_export")
THREADS = int(os.environ.get("BENCH_EXPORT_THREADS", "100000"))


def _urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sellerdesk")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}")), urlunsplit(
        parts._replace(path="/postgres")
    )


def _create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def build(cursor) -> int:
    cursor.execute(
        "INSERT INTO shops_shop (code, name, email, timezone, language, created_at) "
        "VALUES ('bench', 'Tienda de prueba', 'bench@example.com', 'Europe/Madrid', 'es', now()) "
        "RETURNING id"
    )
    shop = cursor.fetchone()[0]
    cursor.execute("SELECT id FROM messaging_reason WHERE kind = 'message' AND code = 'other'")
    reason = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO orders_order (shop_id, reference, state, customer_name, customer_email,
            customer_language, currency, shipping_amount, items_amount, total_amount, carrier,
            tracking_number, state_reason, created_at, updated_at)
        SELECT %(shop)s, 'BENCH-' || g, 'SHIPPED', 'Cliente Núñez ' || g, '', 'es', 'EUR',
               4.95, 20.00, 24.95, '', '', '', now() - interval '30 days', now()
        FROM generate_series(1, %(orders)s) AS g
        """,
        {"shop": shop, "orders": THREADS // 10},
    )
    cursor.execute("SELECT min(id) FROM orders_order")
    first_order = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO messaging_thread (shop_id, order_id, reason_id, subject, with_customer,
            with_operator, created_at, last_message_at, last_message_author, last_incoming_at,
            shop_last_read_at, reply_needed_since, reply_due_at, deadline_flag,
            no_reply_needed_reason)
        SELECT %(shop)s, %(first_order)s + (g - 1) / 10, %(reason)s, '¿Dónde está mi pedido? ' || g,
               true, false, now() - ((g %% 5000) || ' minutes')::interval - interval '2 days',
               now() - ((g %% 5000) || ' minutes')::interval,
               CASE WHEN g %% 5 = 0 THEN 'CUSTOMER' ELSE 'SHOP' END, now(), now(),
               CASE WHEN g %% 5 = 0 THEN now() - interval '2 days' END,
               CASE WHEN g %% 5 = 0 THEN now() END, 'NONE', ''
        FROM generate_series(1, %(threads)s) AS g
        """,
        {"shop": shop, "first_order": first_order, "reason": reason, "threads": THREADS},
    )
    cursor.execute(
        """
        INSERT INTO messaging_message (thread_id, shop_id, author, to_customer, to_operator, body,
            created_at, received_at)
        SELECT id, shop_id, 'CUSTOMER', false, false, 'Hola, ¿cuándo llega mi pedido?',
               created_at, created_at
        FROM messaging_thread
        UNION ALL
        SELECT id, shop_id, 'SHOP', true, false, 'Sale mañana.',
               created_at + interval '3 hours', created_at + interval '3 hours'
        FROM messaging_thread WHERE last_message_author = 'SHOP'
        """
    )
    cursor.execute("ANALYZE")
    return shop


class Sink:
    """Where the client's bytes go: counted, not kept."""

    def __init__(self):
        self.bytes = 0

    def consume(self, response):
        for chunk in response.streaming_content if response.streaming else [response.content]:
            self.bytes += len(chunk)


def run_export(shop, file_format: str, limit: int | None):
    from exports import lists
    from exports.writers import export_response, iterate
    from messaging import selectors

    queryset = lists.thread_rows(selectors.thread_list(shop=shop))
    if limit is not None:
        queryset = queryset[:limit]
    response = export_response(
        file_format=file_format,
        filename="bench",
        columns=lists.thread_columns(),
        rows=iterate(queryset),
        tz=shop.tzinfo,
    )
    sink = Sink()
    sink.consume(response)
    return sink.bytes


def main() -> None:
    url, admin_url = _urls()
    _create_database(admin_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from shops.models import Shop

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        shop_id = build(cursor)
    print(f"build: {THREADS:,} threads in {time.perf_counter() - started:.1f} s", flush=True)
    shop = Shop.objects.get(pk=shop_id)
    translation.activate("es")

    for file_format in ("csv", "xlsx"):
        started = time.perf_counter()
        size = run_export(shop, file_format, None)
        seconds = time.perf_counter() - started
        print(
            f"{file_format}: {THREADS:,} rows, {size / 1e6:.1f} MB in {seconds:.1f} s "
            f"({THREADS / seconds:,.0f} rows/s)",
            flush=True,
        )
        for limit in (THREADS // 10, None):
            tracemalloc.start()
            run_export(shop, file_format, limit)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rows = limit or THREADS
            print(f"  peak Python memory for {rows:,} rows: {peak / 1e6:.1f} MB", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
