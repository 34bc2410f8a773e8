"""`make bench-scale`: SellerDesk at marketplace scale, under gunicorn, driven by wrk.

1. Migrates and seeds the database of DATABASE_URL (default `sd_scale_big`) with
   `manage.py seed_scale` (idempotent: a seeded database is reused as it is).
2. Times the three jobs over the whole data set in this process: the deadline job flagging
   30,000 threads against one bare `UPDATE ... RETURNING` of the same rows, alternately, three
   rounds each (medians and their ratio; `VACUUM (ANALYZE)` after every reset of the flags, as
   autovacuum may be off), the same job with nothing to flag, the order-cycle job, the incident
   reminders.
3. Counts the queries of every endpoint (Django's test client in this process), the writes
   (refund create, reply) included.
   The machine's load averages are recorded at the start, at the end and around each endpoint:
   on a shared machine they say how far the figures are the app's.
4. Starts gunicorn (2 sync workers, 127.0.0.1, production settings with the ceiling view added)
   and drives every endpoint with wrk, bounded in time: throughput at 16 connections, latencies
   at 2 (one per worker, so they measure the work and not the queue). In the same run it serves
   the ceiling (`bench.ceiling`) and reports each endpoint's ratio to it.
5. Writes `bench/results/<date>.json` and `bench/results/<date>.md`.

Without wrk (`apt-get install wrk`), a small bounded Python load generator stands in, and the
report says so. `--smoke` runs the whole path on a tiny database for a second per endpoint (the
test suite's smoke test). Every option has an environment variable (see `--help`).
"""

import argparse
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sd_scale_big"
SMOKE_SEED = [
    "--shops=4",
    "--orders=200",
    "--threads=150",
    "--messages=400",
    "--incidents=20",
    "--refunds=30",
    "--big-orders=60",
]

WRK_SCRIPT = r"""
local paths, i = {}, 0
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
init = function(args)
  for p in string.gmatch(os.getenv("BENCH_PATHS"), "[^|]+") do paths[#paths + 1] = p end
  wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["Accept-Language"] = "es"
  if body then wrk.headers["Content-Type"] = "application/json" end
end
request = function()
  i = i % #paths + 1
  return wrk.format(method, paths[i], nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "p50": %f, "p95": %f, ' ..
    '"p99": %f}\n', summary.requests, summary.duration,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _options(argv):
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", "10")))
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT", "18401")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "2")))
    parser.add_argument("--out", default=env("BENCH_OUT", str(ROOT / "bench" / "results")))
    parser.add_argument(
        "--seed-args",
        default=env("SEED_SCALE_ARGS", ""),
        help="options passed to seed_scale (default: the issue's full sizes)",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data, 1 s per endpoint")
    parser.add_argument("--no-wrk", action="store_true", help="use the Python load generator")
    parser.add_argument("--only", default=env("BENCH_ONLY", ""), help="comma-separated names")
    options = parser.parse_args(argv)
    if options.smoke:
        options.duration = min(options.duration, 1.0)
    return options


def _setup_django():
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # Production settings (DEBUG off) want a real-looking key; this one only signs bench cookies.
    os.environ.setdefault("SECRET_KEY", "bench-scale-" + "k" * 60)
    os.environ["DEBUG"] = "0"
    import django

    _ensure_database(os.environ["DATABASE_URL"])
    django.setup()


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Data the requests need -------------------------------------------------------------------


def _prepare():
    """A seller of the big shop with an API key and a session; ids to request and write to."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import F

    from messaging.models import Reason, ReasonKind, Thread
    from orders.models import Order, OrderState
    from shops.models import Shop, User

    big = Shop.objects.get(pk=1)
    user, _created = User.objects.get_or_create(
        username="bench-big", defaults={"shop": big, "email": "bench@example.com"}
    )
    if _created:  # a new password would log out the sessions of a run going on
        user.set_password("bench-big-password")
        user.save()
    raw_key = _issue_key(user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    threads = list(
        Thread.objects.filter(shop=big, with_customer=True)
        .order_by("-last_message_at")
        .values_list("pk", flat=True)[:200]
    )
    orders = list(
        Order.objects.filter(shop=big, state__in=[OrderState.SHIPPED, OrderState.RECEIVED])
        .filter(items_amount__gt=F("shipping_amount"))
        .order_by("-shipped_at")
        .values_list("pk", flat=True)[:200]
    )
    order_ref = Order.objects.filter(shop=big).order_by("-created_at").first().reference
    reason = Reason.objects.filter(kind=ReasonKind.MESSAGE, active=True).order_by("pk").first()
    return {
        "shop": big,
        "auth": f"Token {raw_key}",
        "cookie": f"sessionid={session.session_key}; django_language=es",
        "threads": threads,
        "orders": orders,
        "order_ref": order_ref,
        "reason": reason.code,
    }


def _issue_key(user) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_api_key", user.username, stdout=out)
    return out.getvalue().strip()


def _endpoints(data) -> list[dict]:
    """Every endpoint measured: name, method, paths (rotated), body, the target it is held to."""
    from refunds.reasons import reason_choices

    thread, order = data["threads"][0], data["orders"][0]
    since = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    get = [
        ("ceiling", "/bench/ceiling/?shop=1"),
        ("inbox_api", "/api/v1/threads/"),
        ("inbox_api_subject", "/api/v1/threads/?subject=pedido"),
        ("inbox_api_subject_none", "/api/v1/threads/?subject=zzzzqqq"),
        ("inbox_api_customer", "/api/v1/threads/?customer=garcia"),
        ("inbox_api_order", f"/api/v1/threads/?order={data['order_ref']}"),
        ("inbox_api_last_message_before", f"/api/v1/threads/?last_message_before={since}"),
        ("inbox_api_unread", "/api/v1/threads/?unread=true"),
        ("inbox_api_awaiting", "/api/v1/threads/?deadline=awaiting_reply"),
        ("inbox_api_overdue", "/api/v1/threads/?deadline=overdue"),
        ("inbox_api_operator", "/api/v1/threads/?participant=operator"),
        ("inbox_api_reason", f"/api/v1/threads/?reason={data['reason']}"),
        ("inbox_page", "/messages/"),
        ("thread_api", f"/api/v1/threads/{thread}/"),
        ("thread_page", f"/messages/{thread}/"),
        ("order_api", f"/api/v1/orders/{order}/"),
        ("order_page", f"/orders/{order}/"),
        ("incidents_api", "/api/v1/incidents/"),
        ("refunds_api", "/api/v1/refunds/"),
        ("dashboard_7d", "/dashboard/?period=7d"),
        ("dashboard_30d", "/dashboard/?period=30d"),
        ("dashboard_90d", "/dashboard/?period=90d"),
        ("stats_api_90d", "/api/v1/stats/?period=90d"),
    ]
    endpoints = [{"name": name, "method": "GET", "paths": [path]} for name, path in get]
    refund_reason = reason_choices()[0][0]
    endpoints.append(
        {
            "name": "refund_create",
            "method": "POST",
            "paths": [f"/api/v1/orders/{pk}/refunds/" for pk in data["orders"]],
            "body": json.dumps({"reason": refund_reason, "amount": "0.01"}),
        }
    )
    endpoints.append(
        {
            "name": "reply",
            "method": "POST",
            "paths": [f"/api/v1/threads/{pk}/messages/" for pk in data["threads"]],
            "body": json.dumps({"body": "Gracias, lo revisamos hoy mismo.", "to": ["customer"]}),
        }
    )
    return endpoints


# --- Queries per request ------------------------------------------------------------------------


def _queries(endpoints, data) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=data["auth"])
    client.cookies.load(data["cookie"])
    counts = {}
    for endpoint in endpoints:
        if endpoint["method"] != "GET":
            continue
        path = endpoint["paths"][0]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts[endpoint["name"]] = {"queries": len(captured), "status": response.status_code}
    for size in (10, 200):
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/threads/?page_size={size}")
        counts[f"inbox_api_page_size_{size}"] = {"queries": len(captured), "status": 200}
    # The writes, by API key alone (no session, so no CSRF): each sent twice and the second
    # counted, the steady state under load (an order's first refund also writes its cohort).
    writer = Client(HTTP_AUTHORIZATION=data["auth"])
    for endpoint in endpoints:
        if endpoint["method"] != "POST":
            continue
        path = endpoint["paths"][-1]
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = writer.post(path, endpoint["body"], content_type="application/json")
        counts[endpoint["name"]] = {
            "queries": len(captured),
            "status": response.status_code,
            "method": "POST",
        }
    return counts


# --- The jobs ---------------------------------------------------------------------------------


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _jobs(smoke: bool, rounds: int = 3) -> dict:
    """The jobs over the whole set. The deadline job and the bare UPDATE it is compared with run
    alternately, `rounds` times each, on the same 30,000 threads reset before every run; the
    report gives each run, the medians and the ratio of the medians (a shared machine's load
    changes from one second to the next; alternating exposes both to it alike)."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from incidents.services import incidents_remind_waiting
    from messaging.services import reply_deadlines_flag
    from orders.services import orders_advance

    # What a Celery worker has loaded before it runs a job (the task queued at the job's commit
    # imports them): not part of the job's time.
    for module in ("notifications.tasks", "sellerdesk.celery"):
        importlib.import_module(module)

    now = timezone.now()
    limit = now + timedelta(hours=settings.REPLY_DUE_SOON_HOURS)
    target = 30 if smoke else 30_000

    def reset():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE messaging_thread SET deadline_flag = 'NONE' WHERE id IN ("
                " SELECT id FROM messaging_thread WHERE reply_needed_since IS NOT NULL"
                " AND reply_due_at < %s ORDER BY id LIMIT %s)",
                [limit, target],
            )
            count = cursor.rowcount
            # Autovacuum may be off (it is on the shared bench machine): the dead row versions
            # the reset left would slow the next run, and the planner's estimates with them.
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM (ANALYZE) messaging_thread")
            return count

    def bare():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE messaging_thread SET deadline_flag = CASE WHEN reply_due_at <= %s"
                " THEN 'OVERDUE' ELSE 'DUE_SOON' END"
                " WHERE reply_needed_since IS NOT NULL AND deadline_flag = 'NONE'"
                " AND reply_due_at < %s RETURNING id, shop_id, subject, order_id, reply_due_at",
                [now, limit],
            )
            return len(cursor.fetchall())

    bare_runs, job_runs, reset_rows = [], [], 0
    bare_rows = job_flagged = job_shops = 0
    for _round in range(rounds):
        reset_rows = reset()
        seconds, bare_rows = _timed(bare)
        bare_runs.append(seconds)
        reset()
        seconds, outcome = _timed(lambda: reply_deadlines_flag(now=now))
        job_runs.append(seconds)
        job_flagged = len(outcome.due_soon) + len(outcome.overdue)
        job_shops = len(outcome.shop_ids)
    nothing_runs = []
    for _round in range(rounds):
        seconds, outcome = _timed(lambda: reply_deadlines_flag(now=now))
        nothing_runs.append(seconds)
    bare_median, job_median = _median(bare_runs), _median(job_runs)
    results = {
        "bare_update_returning": {"seconds": bare_median, "runs": bare_runs, "rows": bare_rows},
        "deadline_job": {
            "seconds": job_median,
            "runs": job_runs,
            "flagged": job_flagged,
            "reset": reset_rows,
            "shops": job_shops,
            "ratio_to_bare": job_median / bare_median if bare_median else None,
        },
        "deadline_job_nothing_to_flag": {
            "seconds": _median(nothing_runs),
            "runs": nothing_runs,
            "flagged": len(outcome.due_soon) + len(outcome.overdue),
        },
    }
    seconds, outcome = _timed(orders_advance)
    results["order_cycle_job"] = {"seconds": seconds, "result": str(outcome)}
    seconds, outcome = _timed(incidents_remind_waiting)
    results["incident_reminder_job"] = {"seconds": seconds, "result": str(outcome)}
    return results


# --- The server and the load ------------------------------------------------------------------


def _start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start") from None
            time.sleep(0.3)
    _stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _status(port, endpoint, data) -> int:
    """One request first, redirects not followed: a 3xx or 4xx would make fast nonsense."""
    headers = {"Authorization": data["auth"], "Cookie": data["cookie"], "Accept-Language": "es"}
    if endpoint.get("body"):
        headers["Content-Type"] = "application/json"
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(endpoint["method"], endpoint["paths"][0], endpoint.get("body"), headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wrk(port, endpoint, data, *, connections, duration, script) -> dict:
    env = {
        **os.environ,
        "BENCH_PATHS": "|".join(endpoint["paths"]),
        "BENCH_METHOD": endpoint["method"],
        "BENCH_AUTH": data["auth"],
        "BENCH_COOKIE": data["cookie"],
    }
    if endpoint.get("body"):
        env["BENCH_BODY"] = endpoint["body"]
    else:
        env.pop("BENCH_BODY", None)
    completed = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            script,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=duration + 60,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line[len("BENCH_JSON ") :])
            return {
                "rps": raw["requests"] / (raw["duration_us"] / 1e6),
                "requests": raw["requests"],
                "errors": raw["errors"],
                "p50_ms": raw["p50"],
                "p95_ms": raw["p95"],
                "p99_ms": raw["p99"],
            }
    raise RuntimeError(f"wrk gave no result for {endpoint['name']}: {completed.stderr[-500:]}")


def _python_load(port, endpoint, data, *, connections, duration, script=None) -> dict:
    """A bounded stand-in for wrk: `connections` threads, keep-alive, for `duration` seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    headers = {"Authorization": data["auth"], "Cookie": data["cookie"], "Accept-Language": "es"}
    body = endpoint.get("body")
    if body:
        headers["Content-Type"] = "application/json"

    def worker(offset):
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        index = offset
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            path = endpoint["paths"][index % len(endpoint["paths"])]
            index += 1
            started = time.perf_counter()
            try:
                conn.request(endpoint["method"], path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                failed += response.status >= 400
            except (TimeoutError, OSError):
                failed += 1
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for item in workers:
        item.start()
    for item in workers:
        item.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(share):
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] if latencies else 0

    return {
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
    }


# --- Targets and the report ---------------------------------------------------------------------

LATENCY_TARGETS = {
    "dashboard_90d": ("p95_ms", 100),
    "stats_api_90d": ("p95_ms", 100),
    "inbox_api": ("p99_ms", 50),
    "inbox_page": ("p95_ms", 60),
    "thread_page": ("p95_ms", 60),
    "order_page": ("p95_ms", 60),
    "order_api": ("p95_ms", 40),
}
THROUGHPUT_TARGETS = {"refund_create": 150, "reply": 200}


def _verdicts(report) -> list[dict]:
    endpoints = report["endpoints"]
    verdicts = []

    def verdict(what, value, target, met):
        verdicts.append({"what": what, "value": value, "target": target, "met": bool(met)})

    failing = [name for name, figures in endpoints.items() if not 200 <= figures["status"] < 300]
    verdict("endpoints answering 2xx", len(endpoints) - len(failing), len(endpoints), not failing)

    for name, (field, limit) in LATENCY_TARGETS.items():
        if name in endpoints:
            value = endpoints[name]["latency"][field]
            verdict(f"{name} {field[:3]}", round(value, 1), f"< {limit} ms", value < limit)
    if "inbox_api" in endpoints and "ceiling" in endpoints:
        ratio = endpoints["inbox_api"]["ratio_to_ceiling_beside"]
        verdict("inbox_api / ceiling (measured beside it)", round(ratio, 2), "≥ 0.8", ratio >= 0.8)
        unfiltered = endpoints["inbox_api"]["ratio_to_ceiling_beside"]
        for name, figures in endpoints.items():
            if name.startswith("inbox_api_"):
                # Each side against the ceiling measured beside it: the load may have changed.
                share = figures["ratio_to_ceiling_beside"] / unfiltered if unfiltered else 0
                verdict(f"{name} / inbox_api", round(share, 2), "≥ 0.7", share >= 0.7)
    for name, minimum in THROUGHPUT_TARGETS.items():
        if name in endpoints:
            figures = endpoints[name]["throughput"]
            verdict(
                f"{name} req/s (errors {figures['errors']})",
                round(figures["rps"], 1),
                f"≥ {minimum}, no error",
                figures["rps"] >= minimum and figures["errors"] == 0,
            )
    jobs = report.get("jobs", {})
    if jobs:
        job, bare = jobs["deadline_job"]["seconds"], jobs["bare_update_returning"]["seconds"]
        verdict("deadline job (s, median)", round(job, 3), "< 2 s", job < 2)
        ratio = job / bare if bare else float("inf")
        verdict("deadline job / bare UPDATE (medians)", round(ratio, 2), "≤ 1.5", ratio <= 1.5)
        idle = jobs["deadline_job_nothing_to_flag"]["seconds"]
        verdict("deadline job, nothing to flag (s, median)", round(idle, 3), "< 0.1 s", idle < 0.1)
        cycle = jobs["order_cycle_job"]["seconds"]
        verdict("order-cycle job (s)", round(cycle, 3), "< 2 s", cycle < 2)
    queries = report.get("queries", {})
    if queries:
        # The target is the pages' and reads'; the writes are reported beside it.
        worst = max(item["queries"] for item in queries.values() if item.get("method") != "POST")
        verdict("most queries on one read request", worst, "≤ 10", worst <= 10)
        small = queries.get("inbox_api_page_size_10", {}).get("queries")
        large = queries.get("inbox_api_page_size_200", {}).get("queries")
        verdict("inbox queries, page of 10 / 200", f"{small} / {large}", "equal", small == large)
    return verdicts


def _loads(values) -> str:
    return " / ".join(f"{value:.1f}" for value in values)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return "[" + ", ".join(str(_rounded(item)) for item in value) + "]"
    return value


def _markdown(report) -> str:
    lines = [
        f"# bench-scale {report['date']}",
        "",
        f"Data: {report['data']}. Server: gunicorn, {report['workers']} sync workers on "
        f"127.0.0.1; load: {report['load_generator']}, {report['duration_s']} s per run; "
        "throughput at 16 connections, latencies at 2; before each endpoint a short ceiling run "
        "(the *ratio to ceiling beside*, robust to a load that changes during the run). Machine: "
        f"{report['machine']}.",
        "",
        "Load averages (1, 5, 15 min): "
        f"{_loads(report['load_average']['start'])} at the start, "
        f"{_loads(report['load_average']['end'])} at the end; the *load* column is the 1-minute "
        "figure before and after each endpoint's runs.",
        "",
        "| endpoint | status | req/s (16 conn) | ratio to ceiling | ratio to ceiling beside |"
        " p50 ms | p95 ms | p99 ms | errors | queries | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in report["endpoints"].items():
        throughput, latency = figures["throughput"], figures["latency"]
        queries = report["queries"].get(name, {}).get("queries", "")
        lines.append(
            f"| {name} | {figures['status']} | {throughput['rps']:.1f} | "
            f"{figures['ratio_to_ceiling']:.2f} | {figures['ratio_to_ceiling_beside']:.2f} | "
            f"{latency['p50_ms']:.1f} | {latency['p95_ms']:.1f} | {latency['p99_ms']:.1f} | "
            f"{throughput['errors'] + latency['errors']} | {queries} | "
            f"{figures['load_before'][0]:.1f} → {figures['load_after'][0]:.1f} |"
        )
    writes = {k: v for k, v in report["queries"].items() if v.get("method") == "POST"}
    if writes:
        lines += ["", "| write | status | queries |", "|---|---:|---:|"]
        for name, item in writes.items():
            lines.append(f"| {name} | {item['status']} | {item['queries']} |")
    lines += [
        "",
        "The deadline job and the bare UPDATE ran alternately on the same reset rows; *seconds* "
        "is the median of the runs.",
        "",
        "| job | seconds | result |",
        "|---|---:|---|",
    ]
    for name, figures in report["jobs"].items():
        detail = ", ".join(f"{k}={_rounded(v)}" for k, v in figures.items() if k != "seconds")
        lines.append(f"| {name} | {figures['seconds']:.3f} | {detail} |")
    lines += ["", "| target | measured | wanted | met |", "|---|---:|---|---|"]
    for item in report["verdicts"]:
        lines.append(
            f"| {item['what']} | {item['value']} | {item['target']} | "
            f"{'yes' if item['met'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    options = _options(sys.argv[1:] if argv is None else argv)
    load_at_start = os.getloadavg()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static names from the manifest, as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    seed_args = SMOKE_SEED if options.smoke else options.seed_args.split()
    call_command("seed_scale", *seed_args)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM shops_shop), (SELECT count(*) FROM orders_order),"
            " (SELECT count(*) FROM messaging_thread), (SELECT count(*) FROM messaging_message),"
            " (SELECT count(*) FROM incidents_incident), (SELECT count(*) FROM refunds_refund),"
            " (SELECT count(*) FROM orders_order WHERE shop_id = 1),"
            " (SELECT count(*) FROM messaging_thread WHERE shop_id = 1)"
        )
        counts = cursor.fetchone()
    data_line = (
        "{:,} shops, {:,} orders, {:,} threads, {:,} messages, {:,} incidents, {:,} refunds; "
        "big shop {:,} orders and {:,} threads".format(*counts)
    )
    print(f"bench-scale: {data_line}", flush=True)
    data = _prepare()
    endpoints = _endpoints(data)
    queries = _queries(endpoints, data)  # every endpoint, whatever --only keeps for the load
    if options.only:
        wanted = set(options.only.split(",")) | {"ceiling"}
        endpoints = [item for item in endpoints if item["name"] in wanted]
    jobs = _jobs(options.smoke)
    print(f"bench-scale: jobs {json.dumps(jobs)}", flush=True)
    connection.close()

    use_wrk = shutil.which("wrk") and not options.no_wrk
    load = _wrk if use_wrk else _python_load
    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    server = _start_server(options.port, options.workers)
    try:
        ceiling_endpoint = next(item for item in endpoints if item["name"] == "ceiling")
        for endpoint in endpoints:
            load_before = os.getloadavg()
            status = _status(options.port, endpoint, data)
            # The machine may be shared: a short ceiling run right before each endpoint gives a
            # ratio measured under the same load as the endpoint itself.
            beside = load(
                options.port,
                ceiling_endpoint,
                data,
                connections=16,
                duration=max(1.0, options.duration / 3),
                script=script.name,
            )
            throughput = load(
                options.port,
                endpoint,
                data,
                connections=16,
                duration=options.duration,
                script=script.name,
            )
            latency = load(
                options.port,
                endpoint,
                data,
                connections=2,
                duration=options.duration,
                script=script.name,
            )
            results[endpoint["name"]] = {
                "status": status,
                "load_before": load_before,
                "load_after": os.getloadavg(),
                "ceiling_beside_rps": beside["rps"],
                "throughput": throughput,
                "latency": latency,
            }
            print(
                f"bench-scale: {endpoint['name']}: {throughput['rps']:.1f} req/s, "
                f"p95 {latency['p95_ms']:.1f} ms, errors {throughput['errors']}",
                flush=True,
            )
    finally:
        _stop_server(server)
        os.unlink(script.name)
    ceiling = results.get("ceiling", {}).get("throughput", {}).get("rps") or 0
    for figures in results.values():
        figures["ratio_to_ceiling"] = figures["throughput"]["rps"] / ceiling if ceiling else 0
        beside = figures["ceiling_beside_rps"]
        figures["ratio_to_ceiling_beside"] = figures["throughput"]["rps"] / beside if beside else 0
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": data_line,
        "smoke": options.smoke,
        "workers": options.workers,
        "duration_s": options.duration,
        "load_generator": "wrk -t2" if use_wrk else "Python load generator (no wrk)",
        "machine": f"{os.cpu_count()} CPUs, shared; load average {os.getloadavg()[0]:.1f} at the end",
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "endpoints": results,
        "queries": queries,
        "jobs": jobs,
    }
    report["verdicts"] = _verdicts(report)
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = report["date"].replace(":", "")[:15] + ("-smoke" if options.smoke else "")
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / f"{stem}.md").write_text(_markdown(report))
    print(f"bench-scale: wrote {out / stem}.json and .md", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
