"""Smoke test of `make bench-scale`'s script: on a tiny database of its own, the whole path runs
(seed, jobs, query counts, gunicorn, the load generator, the report) and every endpoint answers.

A benchmark is not a test: nothing here judges speed, only that the script works and reports.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smoke_database():
    """A database next to the test database, dropped afterwards (seed_scale refuses test_*)."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("bench-scale runs on PostgreSQL")
    name = f"sdbench_smoke_{os.getpid()}"
    host, port = default.get("HOST") or "127.0.0.1", default.get("PORT") or 5432
    user = default.get("USER") or "postgres"
    admin = f"postgres://{user}@{host}:{port}/postgres"
    yield f"postgres://{user}@{host}:{port}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_bench_script_runs_end_to_end_and_writes_its_report(smoke_database, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": smoke_database,
        "BENCH_OUT": str(tmp_path),
        "BENCH_PORT": str(_free_port()),
        "BENCH_ONLY": "inbox_api,dashboard_90d,refund_create,reply",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "bench/scale.py", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]

    [report_file] = tmp_path.glob("*-smoke.json")
    report = json.loads(report_file.read_text())
    assert set(report["endpoints"]) == {
        "ceiling",
        "inbox_api",
        "dashboard_90d",
        "refund_create",
        "reply",
    }
    for name, figures in report["endpoints"].items():
        assert 200 <= figures["status"] < 300, name
        assert figures["throughput"]["requests"] > 0 and figures["throughput"]["errors"] == 0, name
    # The query counts cover every endpoint, pages and API alike: the reads answer 200, the
    # writes (refund create, reply) 201.
    assert len(report["queries"]) >= 27
    for name, item in report["queries"].items():
        assert item["status"] == (201 if item.get("method") == "POST" else 200), name
    assert {"refund_create", "reply"} <= set(report["queries"])
    jobs = report["jobs"]
    assert jobs["deadline_job"]["flagged"] > 0
    # Alternated rounds, each side's runs and the ratio of the medians.
    assert len(jobs["deadline_job"]["runs"]) == len(jobs["bare_update_returning"]["runs"]) == 3
    assert jobs["deadline_job"]["ratio_to_bare"] > 0
    assert len(report["load_average"]["start"]) == len(report["load_average"]["end"]) == 3
    for name, figures in report["endpoints"].items():
        assert len(figures["load_before"]) == len(figures["load_after"]) == 3, name
    markdown = report_file.with_suffix(".md").read_text()
    assert "| inbox_api |" in markdown and "| target | measured | wanted | met |" in markdown
    assert "Load averages" in markdown and "| write | status | queries |" in markdown
