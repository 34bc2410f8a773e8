"""Fill PostgreSQL like a real marketplace, set-based (`manage.py seed_scale` calls `seed`).

Every table is filled by one `INSERT ... SELECT FROM generate_series` whose values come from a
deterministic hash of the row's number (`pg_temp.rnd`), so two runs with the same sizes write
the same rows, and no row goes through Python. The shape:

- shop 1 is the big shop (`big_orders` orders, as many threads); the other orders spread over
  the other shops with a long tail (the square of a uniform number favours the first shops);
- orders of the last `days` days, in the state the order cycle would have left them (waiting,
  shipping, shipped, received after AUTO_RECEIVE_DAYS, closed after AUTO_CLOSE_DAYS; a few
  refused or canceled), one or two lines, totals that add up;
- one thread per order (one in twenty with the operator only), three messages on average
  alternating customer/operator and shop; a few percent of threads awaiting a reply (their last
  message incoming, some past due, some due soon, flagged as the deadline job would have), a few
  closed with "no reply needed"; their reply waits written as the messaging services would;
- incidents on shipped orders (closed on old orders; open or resolved on recent ones, which
  freezes them), refunds of part of a line in every state (never more than paid, within the
  refund window);
- the per-day statistics rebuilt from those rows (`stats.rebuild.rollup_rebuild`).
"""

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

SHOP_PREFIX = "scale-"
TIMEZONES = ["Europe/Madrid"] * 17 + ["Atlantic/Canary", "America/New_York", "Pacific/Auckland"]
# Every table the seed fills, children first (TRUNCATE ... CASCADE takes what hangs from them).
TABLES = [
    "stats_shopday",
    "messaging_replywait",
    "refunds_refundline",
    "refunds_refund",
    "incidents_incident",
    "messaging_message",
    "messaging_thread",
    "orders_orderline",
    "orders_order",
    "shops_shop",
]


@dataclass(frozen=True)
class Sizes:
    shops: int = 1000
    orders: int = 1_000_000
    threads: int = 1_000_000
    messages: int = 3_000_000
    incidents: int = 50_000
    refunds: int = 100_000
    big_orders: int = 100_000
    days: int = 365

    def check(self) -> None:
        if self.shops < 2 or self.orders < self.shops or self.big_orders >= self.orders:
            raise ValueError(
                "need at least 2 shops, an order per shop, and a big shop smaller than the whole"
            )
        if self.threads > self.orders or self.messages < self.threads:
            raise ValueError("at most one thread per order, at least one message per thread")
        if self.incidents > self.orders // 4 or self.refunds > self.orders // 4:
            raise ValueError("incidents and refunds: at most a quarter of the orders each")


def _rnd_function(cursor) -> None:
    # A uniform number in [0, 1) from (row number, salt): deterministic, no state, parallel-safe.
    cursor.execute(
        """
        CREATE OR REPLACE FUNCTION pg_temp.rnd(i bigint, salt int) RETURNS float8
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT (hashint8(i * 7919 + salt) & 2147483647)::float8 / 2147483648.0 $$
        """
    )


def _seeded(cursor) -> dict | None:
    cursor.execute("SELECT to_regclass('seed_scale_info') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT sizes FROM seed_scale_info WHERE complete")
    row = cursor.fetchone()
    if not row:
        return None
    # Django's connection hands jsonb back as text.
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def foreign_shops(cursor) -> int:
    """Shops the seed did not make: their presence means this database holds real data."""
    cursor.execute("SELECT count(*) FROM shops_shop WHERE code NOT LIKE %s", [SHOP_PREFIX + "%"])
    return cursor.fetchone()[0]


def seed(sizes: Sizes, *, now: datetime | None = None, log=print) -> bool:
    """Fill the default database with `sizes`. Returns False when it already holds exactly that
    (idempotent), True when it (re)wrote it. Raises ValueError on bad sizes or foreign data."""
    sizes.check()
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        if _seeded(cursor) == asdict(sizes):
            log("seed_scale: already seeded with these sizes; nothing to do")
            return False
        if foreign_shops(cursor):
            raise ValueError(
                "this database has shops the seed did not create: refusing to "
                "overwrite them (seed an empty, dedicated database)"
            )
    started = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS seed_scale_info (sizes jsonb, complete boolean)"
            )
            cursor.execute("DELETE FROM seed_scale_info")
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            _rnd_function(cursor)
            params = _params(sizes, now)
            for name, sql in STEPS:
                step_started = timezone.now()
                cursor.execute(sql, params)
                log(
                    f"seed_scale: {name}: {cursor.rowcount} rows "
                    f"({(timezone.now() - step_started).total_seconds():.1f} s)"
                )
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        from stats.rebuild import rollup_rebuild

        step_started = timezone.now()
        rows = rollup_rebuild()
        log(
            f"seed_scale: per-day statistics: {rows} rows "
            f"({(timezone.now() - step_started).total_seconds():.1f} s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO seed_scale_info (sizes, complete) VALUES (%s, true)",
                [json.dumps(asdict(sizes))],
            )
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so the statistics' index-only scans read no heap
        # (autovacuum does it in production); not possible inside a transaction (the tests).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        for table in TABLES:
            cursor.execute(f"{command} {table}")
    log(f"seed_scale: done in {(timezone.now() - started).total_seconds():.1f} s")
    return True


def _params(sizes: Sizes, now: datetime) -> dict:
    from incidents.reasons import close_reason_choices, open_reason_choices
    from messaging.models import Reason, ReasonKind
    from refunds.reasons import reason_choices

    message_reasons = list(
        Reason.objects.filter(kind=ReasonKind.MESSAGE, active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {
        "now": now,
        "shops": sizes.shops,
        "orders": sizes.orders,
        "threads": sizes.threads,
        "messages": sizes.messages,
        "incidents": sizes.incidents,
        "refunds": sizes.refunds,
        "big": sizes.big_orders,
        "days": sizes.days,
        "prefix": SHOP_PREFIX,
        "zones": TIMEZONES,
        "message_reasons": message_reasons,
        "open_reasons": [code for code, _label in open_reason_choices()],
        "close_reasons": [code for code, _label in close_reason_choices()],
        "refund_reasons": [code for code, _label in reason_choices()],
        "receive_days": settings.AUTO_RECEIVE_DAYS,
        "close_days": settings.AUTO_CLOSE_DAYS,
        "deadline_hours": settings.REPLY_DEADLINE_HOURS,
        "due_soon_hours": settings.REPLY_DUE_SOON_HOURS,
        "window_days": settings.REFUND_WINDOW_DAYS,
    }


# Orders: age uniform over `days`; the state follows from the age as the order cycle moves it.
# A line's price and quantity come from the order number, so orders and lines agree.
_PRICE1 = "round((5 + 95 * pg_temp.rnd(g, 10))::numeric, 2)"
_QTY1 = "(1 + floor(3 * pg_temp.rnd(g, 11)))::int"
_HAS2 = "(pg_temp.rnd(g, 12) < 0.4)"
_PRICE2 = "round((3 + 40 * pg_temp.rnd(g, 13))::numeric, 2)"
_QTY2 = "(1 + floor(2 * pg_temp.rnd(g, 14)))::int"
_ITEMS = f"({_PRICE1} * {_QTY1} + CASE WHEN {_HAS2} THEN {_PRICE2} * {_QTY2} ELSE 0 END)"

STEPS = [
    (
        "shops",
        """
        INSERT INTO shops_shop (id, code, name, email, timezone, language, created_at)
        SELECT g, %(prefix)s || g, 'Shop ' || g, 'shop' || g || '@example.com',
               (%(zones)s::text[])[1 + (g %% array_length(%(zones)s::text[], 1))],
               CASE WHEN g %% 5 = 0 THEN 'en' ELSE 'es' END,
               %(now)s::timestamptz - make_interval(days => %(days)s + 30)
        FROM generate_series(1, %(shops)s) g
        """,
    ),
    (
        "orders",
        f"""
        INSERT INTO orders_order (id, shop_id, reference, state, customer_name, customer_email,
            customer_language, currency, shipping_amount, items_amount, total_amount, carrier,
            tracking_number, state_reason, created_at, accepted_at, shipped_at, received_at,
            closed_at, updated_at)
        SELECT g, shop_id, 'SC-' || g, state,
               'Cliente ' || (g %% 50000) || ' ' || (ARRAY['García','López','Martín','Sánchez',
                   'Pérez','Gómez','Ruiz','Díaz','Álvarez','Muñoz'])[1 + g %% 10],
               'cliente' || g || '@example.com', CASE WHEN g %% 7 = 0 THEN 'en' ELSE 'es' END,
               'EUR', 4.95, items, items + 4.95,
               CASE WHEN shipped_at IS NULL THEN '' ELSE 'SEUR' END,
               CASE WHEN shipped_at IS NULL THEN '' ELSE 'TRK' || g END,
               CASE WHEN state IN ('REFUSED', 'CANCELED') THEN 'Sin stock' ELSE '' END,
               created_at, accepted_at, shipped_at,
               CASE WHEN state IN ('RECEIVED', 'CLOSED')
                    THEN shipped_at + make_interval(days => %(receive_days)s) END,
               CASE WHEN state = 'CLOSED'
                    THEN shipped_at + make_interval(days => %(receive_days)s + %(close_days)s) END,
               coalesce(shipped_at, created_at)
        FROM (
            SELECT g, shop_id, items, created_at, state,
                   CASE WHEN state NOT IN ('WAITING_ACCEPTANCE', 'REFUSED')
                        THEN created_at + interval '2 hours' END AS accepted_at,
                   CASE WHEN state IN ('SHIPPED', 'RECEIVED', 'CLOSED')
                        THEN created_at + interval '1 day' END AS shipped_at
            FROM (
                SELECT g, shop_id, items, created_at,
                       CASE
                         WHEN pg_temp.rnd(g, 3) < 0.03 THEN
                           CASE WHEN pg_temp.rnd(g, 4) < 0.5 THEN 'REFUSED' ELSE 'CANCELED' END
                         WHEN age < interval '6 hours' THEN 'WAITING_ACCEPTANCE'
                         WHEN age < interval '1 day' THEN 'SHIPPING'
                         WHEN age < make_interval(days => %(receive_days)s + 1) THEN 'SHIPPED'
                         WHEN age < make_interval(days => %(receive_days)s + %(close_days)s + 1)
                           THEN 'RECEIVED'
                         ELSE 'CLOSED'
                       END AS state
                FROM (
                    SELECT g,
                           CASE WHEN g <= %(big)s THEN 1
                                ELSE 2 + floor((%(shops)s - 1) * pg_temp.rnd(g, 1) ^ 2)::int
                           END AS shop_id,
                           {_ITEMS} AS items,
                           make_interval(secs => %(days)s * 86400 * pg_temp.rnd(g, 2)) AS age,
                           %(now)s::timestamptz
                             - make_interval(secs => %(days)s * 86400 * pg_temp.rnd(g, 2))
                             AS created_at
                    FROM generate_series(1, %(orders)s) g
                ) raw
            ) aged
        ) dated
        """,
    ),
    (
        "order lines",
        f"""
        INSERT INTO orders_orderline (id, order_id, sku, title, quantity, unit_price, total_amount)
        SELECT 2 * g - 1, g, 'SKU-' || (g %% 997), 'Producto ' || (g %% 997), {_QTY1}, {_PRICE1},
               {_PRICE1} * {_QTY1}
        FROM generate_series(1, %(orders)s) g
        UNION ALL
        SELECT 2 * g, g, 'SKU-B' || (g %% 499), 'Accesorio ' || (g %% 499), {_QTY2}, {_PRICE2},
               {_PRICE2} * {_QTY2}
        FROM generate_series(1, %(orders)s) g WHERE {_HAS2}
        """,
    ),
    # Threads: thread g is about order g (same shop), one in twenty with the operator alone.
    # Its last message is at `last_at`; awaiting threads (4.5 %) ended on an incoming message in
    # the last five days, "no reply needed" ones (2 %) too, then were marked; the others ended on
    # a shop reply. Times of earlier messages are counted back from the last one.
    (
        "threads",
        """
        INSERT INTO messaging_thread (id, shop_id, order_id, reason_id, subject, subject_params,
            with_customer,
            with_operator, created_at, last_message_at, last_message_author, last_incoming_at,
            shop_last_read_at, reply_needed_since, reply_due_at, deadline_flag,
            no_reply_needed_reason, no_reply_needed_at)
        SELECT g, shop_id, CASE WHEN operator_only THEN NULL ELSE g END,
               (%(message_reasons)s::bigint[])[
                   1 + g %% array_length(%(message_reasons)s::bigint[], 1)],
               (ARRAY['¿Dónde está mi pedido?', 'Factura del pedido', 'Producto dañado',
                      'Cambio de dirección', 'Devolución', 'Consulta sobre el envío',
                      'Talla equivocada', 'Pedido incompleto'])[1 + g %% 8] || ' ' || reference,
               '{}'::jsonb,
               NOT operator_only, operator_only OR pg_temp.rnd(g, 21) < 0.15,
               last_at - (n - 1) * interval '9 hours',
               last_at,
               CASE WHEN NOT (awaiting OR marked) THEN 'SHOP'
                    WHEN operator_only THEN 'OPERATOR' ELSE 'CUSTOMER' END,
               CASE WHEN awaiting OR marked THEN last_at
                    WHEN n > 1 THEN last_at - interval '9 hours' END,
               CASE WHEN awaiting AND pg_temp.rnd(g, 22) < 0.5 THEN NULL
                    WHEN marked THEN last_at + interval '1 hour'
                    WHEN awaiting THEN last_at - interval '9 hours'
                    ELSE last_at END,
               CASE WHEN awaiting THEN last_at END,
               CASE WHEN awaiting THEN last_at + make_interval(hours => %(deadline_hours)s) END,
               CASE WHEN NOT awaiting THEN 'NONE'
                    WHEN last_at + make_interval(hours => %(deadline_hours)s) <= %(now)s
                      THEN 'OVERDUE'
                    WHEN last_at + make_interval(hours => %(deadline_hours)s)
                         < %(now)s::timestamptz + make_interval(hours => %(due_soon_hours)s)
                      THEN 'DUE_SOON'
                    ELSE 'NONE' END,
               CASE WHEN marked THEN 'El cliente dio las gracias.' ELSE '' END,
               CASE WHEN marked THEN last_at + interval '1 hour' END
        FROM (
            SELECT g, shop_id, reference, operator_only, awaiting, marked, n,
                   CASE WHEN awaiting
                        THEN %(now)s::timestamptz
                             - make_interval(secs => 120 * 3600 * pg_temp.rnd(g, 23))
                        ELSE least(%(now)s::timestamptz - interval '2 hours',
                                   created_at
                                   + make_interval(secs => 86400 * (1 + 20 * pg_temp.rnd(g, 24)))
                                   + (n - 1) * interval '9 hours')
                   END AS last_at
            FROM (
                SELECT g, o.shop_id, o.reference, o.created_at,
                       pg_temp.rnd(g, 20) < 0.05 AS operator_only,
                       pg_temp.rnd(g, 25) < 0.045 AS awaiting,
                       pg_temp.rnd(g, 25) >= 0.045 AND pg_temp.rnd(g, 25) < 0.065 AS marked,
                       (%(messages)s / %(threads)s
                        + CASE WHEN g <= %(messages)s %% %(threads)s THEN 1 ELSE 0 END) AS n
                FROM generate_series(1, %(threads)s) g
                JOIN orders_order o ON o.id = g
            ) chosen
        ) t
        """,
    ),
    # Messages k = 1..n of each thread, 9 hours apart, ending at the thread's last message and
    # alternating: the last one is the shop's for answered threads, incoming for awaiting and
    # "no reply needed" ones. An incoming message is so never followed by another: each starts
    # a wait that the next message, the shop's, ends.
    (
        "messages",
        """
        INSERT INTO messaging_message (shop_id, thread_id, author, to_customer, to_operator, body,
            created_at, received_at)
        SELECT shop_id, id, author,
               author = 'SHOP' AND with_customer, author = 'SHOP' AND NOT with_customer,
               CASE WHEN author = 'SHOP' THEN 'Gracias por escribirnos. Le respondemos sobre su '
                         || 'pedido: ya está en camino y le llegará en breve.'
                    ELSE 'Hola, les escribo por mi pedido. ¿Podrían decirme cuándo llegará? '
                         || 'Muchas gracias.' END,
               at, at
        FROM (
            SELECT t.id, t.shop_id, t.with_customer,
                   t.last_message_at - (n - k) * interval '9 hours' AS at,
                   CASE WHEN ((n - k) %% 2 = 0) = (t.last_message_author = 'SHOP') THEN 'SHOP'
                        WHEN NOT t.with_customer THEN 'OPERATOR'
                        ELSE 'CUSTOMER' END AS author
            FROM messaging_thread t
            CROSS JOIN LATERAL (
                SELECT (%(messages)s / %(threads)s
                        + CASE WHEN t.id <= %(messages)s %% %(threads)s THEN 1 ELSE 0 END) AS n
            ) counted
            CROSS JOIN LATERAL generate_series(1, n) k
        ) m
        ORDER BY id, at
        """,
    ),
    # Reply waits as the services write them: each incoming message whose previous message is
    # the shop's (or none) starts one; the next shop message ends it; "no reply needed" ends
    # the last one of a marked thread; an awaiting thread's last one is open.
    (
        "reply waits",
        """
        INSERT INTO messaging_replywait (shop_id, thread_id, started_at, due_at, ended_at,
            replied_at)
        SELECT m.shop_id, m.thread_id, m.created_at,
               m.created_at + make_interval(hours => %(deadline_hours)s),
               CASE WHEN m.next_author = 'SHOP' THEN m.next_at ELSE t.no_reply_needed_at END,
               CASE WHEN m.next_author = 'SHOP' THEN m.next_at END
        FROM (
            SELECT shop_id, thread_id, author, created_at,
                   lag(author) OVER w AS previous_author,
                   lead(author) OVER w AS next_author,
                   lead(created_at) OVER w AS next_at
            FROM messaging_message
            WINDOW w AS (PARTITION BY thread_id ORDER BY created_at, id)
        ) m
        JOIN messaging_thread t ON t.id = m.thread_id
        WHERE m.author <> 'SHOP' AND (m.previous_author IS NULL OR m.previous_author = 'SHOP')
        """,
    ),
    # Incidents on every k-th shipped order: closed on orders that are closed or old, open or
    # resolved (the order frozen) on recent ones.
    (
        "incidents",
        """
        INSERT INTO incidents_incident (shop_id, order_id, opened_by, reason, description, state,
            opened_at, resolved_at, closed_at, waiting_since, resolution_reason)
        SELECT shop_id, id, CASE WHEN pg_temp.rnd(id, 30) < 0.8 THEN 'CUSTOMER' ELSE 'OPERATOR' END,
               (%(open_reasons)s::text[])[1 + id %% array_length(%(open_reasons)s::text[], 1)],
               'El producto llegó dañado.', state, opened_at,
               CASE WHEN state <> 'OPEN' THEN opened_at + interval '20 hours' END,
               CASE WHEN state = 'CLOSED'
                    THEN opened_at + make_interval(secs => 86400 * (1 + 4 * pg_temp.rnd(id, 31)))
               END,
               CASE WHEN state = 'OPEN' THEN opened_at END,
               CASE WHEN state <> 'OPEN'
                    THEN (%(close_reasons)s::text[])[
                        1 + id %% array_length(%(close_reasons)s::text[], 1)] ELSE '' END
        FROM (
            SELECT o.id, o.shop_id,
                   greatest(o.shipped_at, least(o.shipped_at + interval '2 days',
                                                %(now)s::timestamptz - interval '1 hour'))
                     AS opened_at,
                   CASE WHEN o.state = 'CLOSED' OR o.shipped_at < %(now)s::timestamptz
                                                   - make_interval(days => %(receive_days)s)
                          THEN 'CLOSED'
                        WHEN pg_temp.rnd(o.id, 32) < 0.6 THEN 'OPEN'
                        ELSE 'RESOLVED' END AS state
            FROM orders_order o
            WHERE o.shipped_at IS NOT NULL
            ORDER BY pg_temp.rnd(o.id, 33)
            LIMIT %(incidents)s
        ) chosen
        """,
    ),
    # Refunds of part of the first line of every k-th shipped order still in the refund window
    # at the time of the refund: 70 % refunded, 20 % pending, 10 % refused.
    (
        "refunds",
        """
        INSERT INTO refunds_refund (id, shop_id, order_id, state, reason, note, currency,
            shipping_amount, total_amount, created_at, decided_at, refuse_reason)
        SELECT o.id, o.shop_id, o.id,
               CASE WHEN pg_temp.rnd(o.id, 40) < 0.7 THEN 'REFUNDED'
                    WHEN pg_temp.rnd(o.id, 40) < 0.9 THEN 'PENDING' ELSE 'REFUSED' END,
               (%(refund_reasons)s::text[])[1 + o.id %% array_length(%(refund_reasons)s::text[], 1)],
               '', 'EUR', 0, round(l.total_amount / 2, 2),
               least(o.shipped_at + make_interval(secs => 86400 * 20 * pg_temp.rnd(o.id, 41)),
                     %(now)s::timestamptz - interval '30 minutes'),
               CASE WHEN pg_temp.rnd(o.id, 40) < 0.7 OR pg_temp.rnd(o.id, 40) >= 0.9
                    THEN least(o.shipped_at
                               + make_interval(secs => 86400 * 20 * pg_temp.rnd(o.id, 41)),
                               %(now)s::timestamptz - interval '30 minutes')
                         + interval '10 minutes' END,
               CASE WHEN pg_temp.rnd(o.id, 40) >= 0.9 THEN 'Fuera de plazo' ELSE '' END
        FROM orders_order o
        JOIN orders_orderline l ON l.id = 2 * o.id - 1
        WHERE o.shipped_at IS NOT NULL
        ORDER BY pg_temp.rnd(o.id, 43)
        LIMIT %(refunds)s
        """,
    ),
    (
        "refund lines",
        """
        INSERT INTO refunds_refundline (refund_id, order_line_id, quantity, amount)
        SELECT r.id, 2 * r.order_id - 1, 0, r.total_amount FROM refunds_refund r
        """,
    ),
]
