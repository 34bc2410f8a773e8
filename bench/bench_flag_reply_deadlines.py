"""The reply-deadline job on a million threads (PostgreSQL), with timings and query plans.

Builds BENCH_THREADS threads (default 1,000,000) over 100 shops in a separate database
(BENCH_DATABASE_NAME, default sd_bench, on the server of DATABASE_URL) with INSERT ... SELECT
over generate_series, then:
- prints EXPLAIN (ANALYZE, BUFFERS) of the job's two UPDATEs (rolled back) and of inbox queries;
- runs the job (flagging and the emails, to an in-memory backend) and times it;
- runs it again: it must flag nothing, and is timed too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/bench_flag_reply_deadlines.py

Thread mix: 80% answered, 10% awaiting a reply on time, 3% newly due soon, 2% newly overdue,
5% overdue and already flagged by an earlier run (they must cost the job nothing).
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "sd_bench")
THREADS = int(os.environ.get("BENCH_THREADS", "1000000"))
SHOPS = 100


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

    # A fresh database each run: the bench's own, never the one DATABASE_URL names.
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        print(f"{self.label}: {self.seconds:.3f} s", flush=True)


def build(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO shops_shop (code, name, email, timezone, created_at)
        SELECT 'bench-' || g, 'Tienda ' || g, 'tienda' || g || '@example.com', 'Europe/Madrid', now()
        FROM generate_series(1, %s) AS g
        ON CONFLICT (code) DO NOTHING
        """,
        [SHOPS],
    )
    cursor.execute("SELECT min(id) FROM shops_shop WHERE code LIKE 'bench-%%'")
    first_shop = cursor.fetchone()[0]
    cursor.execute("SELECT id FROM messaging_reason WHERE kind = 'message' AND code = 'other'")
    reason = cursor.fetchone()[0]
    # g % 100: 0-79 answered, 80-89 on time, 90-92 due soon, 93-94 overdue, 95-99 flagged overdue.
    cursor.execute(
        """
        WITH rows AS (
            SELECT g, g %% 100 AS bucket,
                   now() - ((g %% 2000) || ' hours')::interval AS last_at
            FROM generate_series(1, %(threads)s) AS g
        ), timed AS (
            SELECT g, bucket, last_at,
                   CASE
                     WHEN bucket BETWEEN 80 AND 89 THEN now() - ((g %% 30) || ' hours')::interval
                     WHEN bucket BETWEEN 90 AND 92 THEN now() - ((37 + g %% 10) || ' hours')::interval
                     WHEN bucket BETWEEN 93 AND 94 THEN now() - ((49 + g %% 100) || ' hours')::interval
                     WHEN bucket >= 95 THEN now() - ((60 + g %% 500) || ' hours')::interval
                   END AS since
            FROM rows
        )
        INSERT INTO messaging_thread (
            shop_id, order_id, reason_id, subject, with_customer, with_operator, created_at,
            last_message_at, last_message_author, last_incoming_at, shop_last_read_at,
            reply_needed_since, reply_due_at, deadline_flag, no_reply_needed_reason
        )
        SELECT %(first_shop)s + (g / 100) %% %(shops)s, NULL, %(reason)s, 'Consulta ' || g, false, true,
               COALESCE(since, last_at), COALESCE(since, last_at),
               CASE WHEN since IS NULL THEN 'SHOP' ELSE 'OPERATOR' END,
               COALESCE(since, last_at), CASE WHEN g %% 7 = 0 THEN NULL ELSE now() END,
               since, since + interval '48 hours',
               CASE WHEN bucket >= 95 THEN 'OVERDUE' ELSE 'NONE' END, ''
        FROM timed
        """,
        {"threads": THREADS, "first_shop": first_shop, "shops": SHOPS, "reason": reason},
    )
    cursor.execute("ANALYZE messaging_thread")


def main() -> None:
    url, admin_url = _urls()
    _create_database(admin_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from messaging import selectors
    from messaging.models import DeadlineStatus, Thread
    from messaging.services import reply_deadlines_flag
    from shops.models import Shop

    call_command("migrate", verbosity=0)
    print(f"Database {BENCH_DB}: {THREADS:,} threads over {SHOPS} shops", flush=True)
    with Timer("build (INSERT ... SELECT generate_series + ANALYZE)"), connection.cursor() as cur:
        build(cur)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_relation_size('thread_deadline_job'))")
        print(f"partial index thread_deadline_job: {cur.fetchone()[0]}")
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('messaging_thread'))")
        print(f"messaging_thread with indexes: {cur.fetchone()[0]}")

    # The job's exact statements, captured from a rolled-back run, then explained (rolled back).
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        reply_deadlines_flag()
        transaction.set_rollback(True)
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    for sql in updates:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n" + sql.split(" WHERE ")[1][:160])
            print("\n".join(row[0] for row in cur.fetchall()))
            transaction.set_rollback(True)

    from django.core import mail

    mail.outbox = []
    with Timer("\nrun 1 (flag + emails)"), CaptureQueriesContext(connection) as first_queries:
        first = reply_deadlines_flag()
    print(
        f"  newly overdue {len(first.overdue):,}, newly due soon {len(first.due_soon):,}, "
        f"emails {len(mail.outbox)}, queries {len(first_queries.captured_queries)}"
    )
    mail.outbox = []
    with Timer("run 2 (nothing new)"):
        second = reply_deadlines_flag()
    print(
        f"  newly overdue {len(second.overdue)}, newly due soon {len(second.due_soon)}, "
        f"emails {len(mail.outbox)}"
    )
    assert not second.overdue and not second.due_soon and not mail.outbox

    shop = Shop.objects.filter(code__startswith="bench-").order_by("id").first()
    print(f"\nInbox of one shop ({Thread.objects.filter(shop=shop).count():,} threads):")
    inbox = selectors.thread_list(shop=shop)
    for label, queryset in [
        ("first page", inbox),
        (
            "overdue filter",
            inbox.filter(selectors.deadline_q(DeadlineStatus.OVERDUE, now=timezone.now())),
        ),
        ("unread filter", inbox.filter(selectors.unread_q())),
    ]:
        start = time.perf_counter()
        list(queryset[:26])
        print(f"- {label}: {1000 * (time.perf_counter() - start):.1f} ms")
        print("  " + queryset[:26].explain(analyze=True).replace("\n", "\n  "))


if __name__ == "__main__":
    main()
