"""Real parts for the outbox's tests, each on 127.0.0.1 and of the test's own: an SMTP server
(aiosmtpd) that can be made to fail, an HTTP receiver that answers a script of status codes, a
Redis server that the test stops and starts, and a Celery worker on a queue of its own.

Ports: this branch's range is 18100-18199; each pytest-xdist worker takes its own slot in it, so
two workers never collide (gw0: 18100 SMTP, 18150 Redis; gw1: 18101, 18151; ...).
"""

import email
import email.policy
import json
import os
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from notifications.models import WebhookEndpoint
from notifications.services import webhook_endpoint_create
from sellerdesk.celery import app

SMTP_PORTS = 18100
REDIS_PORTS = 18150


def xdist_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


# --- SMTP ---------------------------------------------------------------------------------------


class SmtpSink:
    """Keeps every message it accepts; answers 451 (try again later) while `failing`."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.failing = False
        self.refused = 0
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.failing:
                self.refused += 1
                return "451 4.3.0 Mail server busy, try again later"
            message = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            self.messages.append(message)
            self._lock.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        """Wait (bounded) until `count` messages arrived: for a worker in another thread."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.messages) >= count, timeout=timeout)

    def to(self, address: str) -> list:
        return [message for message in self.messages if address in message["X-Envelope-To"]]

    def body(self, message) -> str:
        return message.get_body(("plain",)).get_content()


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1; Django's SMTP backend points at it for the test."""
    handler = SmtpSink()
    controller = Controller(handler, hostname="127.0.0.1", port=SMTP_PORTS + xdist_index())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    handler.controller = controller
    try:
        yield handler
    finally:
        controller.stop()


# --- Webhook receiver ------------------------------------------------------------------------


class WebhookReceiver:
    """An HTTP server that records each request and answers the next status of `script`
    (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.script.pop(0) if receiver.script else 200
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                        "status": status,
                    }
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sellerdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_local_webhooks(settings):
    """The tests' receiver listens on http://127.0.0.1: production refuses both."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver(allow_local_webhooks):
    server = WebhookReceiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def endpoint_for(seller):
    """Register an endpoint of a shop for some events, through the service."""

    def register(shop, url, events) -> WebhookEndpoint:
        return webhook_endpoint_create(shop=shop, url=url, events=events, acting_user=seller)

    return register


# --- Redis and Celery ----------------------------------------------------------------------


class OwnRedis:
    """A redis-server of the test's own, started and stopped at will (no data kept)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "notice",
                "--logfile",
                "",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Ready once it says so: read its log instead of waiting a guessed time.
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                return
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process.stdout.close()
            self.process = None


@contextmanager
def broker(url: str):
    """Point the Celery app (publishers and workers) at another broker for a while."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def own_redis():
    server = OwnRedis(REDIS_PORTS + xdist_index())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker_queue(settings):
    """A queue of this xdist worker's own, emptied first: tests running at the same time on
    other workers never take its messages, nor it theirs."""
    queue = f"sellerdesk-notifications-test-{xdist_index()}"
    settings.NOTIFICATIONS_QUEUE = queue
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run the tests with REDIS_URL set"
    assert not app.conf.task_always_eager
    return queue


@contextmanager
def celery_worker(queue: str):
    """A real Celery worker (in a thread of the test process) consuming only `queue`."""
    from celery.contrib.testing.worker import start_worker

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", queues=[queue]
    ) as worker:
        yield worker
