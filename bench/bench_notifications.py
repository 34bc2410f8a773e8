"""Benchmark: the outbox. Notices delivered per second by the sweep to a local SMTP server
(aiosmtpd) and to a local webhook receiver, and what the outbox adds to a refund create (p50
without it, with its emails, with its emails and a subscribed webhook endpoint).

Run with `make bench` (or `python bench/bench_notifications.py`). It uses its own PostgreSQL
database (`<DATABASE_URL's name>_bench`), a Celery queue of its own (emptied at the end), an SMTP
server on 127.0.0.1:18190 and a receiver on an ephemeral port of 127.0.0.1.
"""

import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EMAILS = int(os.environ.get("BENCH_NOTICE_EMAILS", "2000"))
WEBHOOKS = int(os.environ.get("BENCH_NOTICE_WEBHOOKS", "1000"))
REFUNDS = int(os.environ.get("BENCH_REFUNDS", "200"))
SMTP_PORT = 18190
QUEUE = "sellerdesk-bench-notifications"


def setup_django():
    from bench.bench_orders import setup_django as setup

    setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", SMTP_PORT
    settings.WEBHOOK_ALLOW_HTTP = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.NOTIFICATIONS_QUEUE = QUEUE


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def receiver():
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _drain():
    from notifications.services import notices_send_due

    started = time.perf_counter()
    sent = 0
    while True:
        result = notices_send_due()
        sent += result.sent
        if not result.claimed:
            return sent, time.perf_counter() - started


def _age_the_outbox():
    from django.db.models import F

    from notifications.models import Notice

    Notice.objects.update(created_at=F("created_at") - timedelta(minutes=5))


def bench_sweep_emails(shop):
    from aiosmtpd.controller import Controller

    from notifications.services import Event, notices_emit, shop_recipient

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        recipient = shop_recipient(shop)
        for start in range(0, EMAILS, 500):
            notices_emit(
                Event(
                    type="incident.reminder",
                    key=f"bench-mail:{time.time_ns()}:{index}",
                    shop=shop,
                    recipients=[recipient],
                    params={"hours": 24, "list_path": "/incidents/", "incidents": []},
                )
                for index in range(start, min(start + 500, EMAILS))
            )
        _age_the_outbox()
        sent, elapsed = _drain()
    finally:
        controller.stop()
    print(f"sweep → SMTP sink: {sent} emails in {elapsed:.2f} s = {sent / elapsed:.0f} notices/s")
    assert sink.count == sent == EMAILS, (sink.count, sent)


def bench_sweep_webhooks(shop):
    from notifications.models import WebhookEndpoint
    from notifications.services import Event, notices_emit, webhook_endpoint_create

    server = receiver()
    WebhookEndpoint.objects.all().delete()
    endpoint = webhook_endpoint_create(
        shop=shop,
        url=f"http://127.0.0.1:{server.server_address[1]}/hooks",
        events=["refund.created"],
        acting_user=None,
    )
    try:
        for start in range(0, WEBHOOKS, 500):
            notices_emit(
                Event(
                    type="refund.created",
                    key=f"bench-hook:{time.time_ns()}:{index}",
                    shop=shop,
                    webhook=lambda index=index: {
                        "id": index,
                        "state": "pending",
                        "total_amount": "1.00",
                    },
                )
                for index in range(start, min(start + 500, WEBHOOKS))
            )
        _age_the_outbox()
        sent, elapsed = _drain()
    finally:
        endpoint.delete()
        server.shutdown()
        server.server_close()
    print(
        f"sweep → webhook receiver: {sent} deliveries in {elapsed:.2f} s = {sent / elapsed:.0f} notices/s"
    )
    assert sent == WEBHOOKS, sent


def bench_refund_create(shop):
    from notifications.models import Notice
    from notifications.services import webhook_endpoint_create
    from refunds.calculations import RefundRequest
    from refunds.services import refund_create
    from sellerdesk.celery import app
    from tests.factories import OrderFactory

    orders = [
        OrderFactory.shipped(shop=shop, reference=f"BENCH-R-{time.time_ns()}-{index}")
        for index in range(REFUNDS * 3)
    ]
    batches = iter([orders[:REFUNDS], orders[REFUNDS : 2 * REFUNDS], orders[2 * REFUNDS :]])

    def p50(label):
        times = []
        for order in next(batches):
            started = time.perf_counter()
            refund_create(
                order=order,
                reason="goodwill",
                request=RefundRequest(amount=Decimal("1.00")),
                acting_user=None,
            )
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        print(f"refund_create {label}: p50 {median:.2f} ms")
        return median

    with mock.patch("refunds.services.refund_notices_emit"):
        without = p50("without the outbox")
    with_emails = p50("with the outbox (customer and shop emails)")
    webhook_endpoint_create(
        shop=shop, url="https://erp.example.com/hooks", events=["refund.created"], acting_user=None
    )
    with_webhook = p50("with the outbox and a subscribed webhook endpoint")
    print(
        f"the outbox adds {with_emails - without:.2f} ms (emails) and "
        f"{with_webhook - without:.2f} ms (emails and a webhook) to a refund create"
    )
    Notice.objects.all().delete()
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)


def main():
    setup_django()
    from messaging.reasons import reasons_seed_defaults
    from notifications.models import Notice
    from shops.models import Shop

    reasons_seed_defaults()
    shop, _ = Shop.objects.get_or_create(
        code="bench-notices", defaults={"name": "Bench", "email": "bench@example.com"}
    )
    Notice.objects.all().delete()
    bench_sweep_emails(shop)
    bench_sweep_webhooks(shop)
    bench_refund_create(shop)


if __name__ == "__main__":
    main()
