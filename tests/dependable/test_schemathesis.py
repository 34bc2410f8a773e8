"""The API against its own OpenAPI schema: schemathesis (pinned in constraints.txt) fuzzes a
running server on 127.0.0.1 as a shop and as the operator, with a fixed seed and a bounded
time, and must find no server error and no answer that the schema does not describe."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from incidents import services as incident_services
from messaging import services as messaging_services
from shops.services import api_key_issue
from tests.factories import OperatorFactory, OrderFactory, SellerFactory, ShopFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20251202
SECONDS_PER_IDENTITY = int(os.environ.get("SCHEMATHESIS_SECONDS", "45"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)
BASE = Path(settings.BASE_DIR)


def _free_port(start=18230, end=18250) -> int:
    for port in range(start, end):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in this engineer's range")


@pytest.fixture
def world(db):
    shop = ShopFactory(code="norte")
    seller = SellerFactory(username="norte", shop=shop)
    operator = OperatorFactory(username="operador")
    order = OrderFactory.shipped(shop=shop, reference="NOR-1")
    OrderFactory(shop=shop, reference="NOR-2")
    messaging_services.thread_import(
        order=order,
        author="customer",
        reason_code="order_question",
        subject="¿Dónde está?",
        body="¿Cuándo llega?",
        sent_at=None,
        acting_user=None,
    )
    incident_services.incident_open(
        order=order, opened_by="CUSTOMER", reason="item_damaged", description="Roto."
    )
    _k, seller_key = api_key_issue(user=seller, name="fuzz")
    _k, operator_key = api_key_issue(user=operator, name="fuzz")
    return {"seller": seller_key, "operator": operator_key}


@pytest.fixture
def server(world, tmp_path):
    port = _free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "API_THROTTLE_USER": "100000/minute",
        "SELLERDESK_VAR_DIR": str(tmp_path),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--nothreading",
        ],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield f"http://127.0.0.1:{port}", world, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)


def _fuzz(base_url: str, key: str, report_dir: Path, *, include: str, exclude: str | None = None):
    command = [
        shutil.which("st") or str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/api/schema/",
        "--url",
        base_url,
        "--checks",
        CHECKS,
        "--seed",
        str(SEED),
        "--max-time",
        str(SECONDS_PER_IDENTITY),
        "--workers",
        "1",
        "--header",
        f"Authorization: Token {key}",
        "--include-path-regex",
        include,
        "--request-timeout",
        "20",
        "--report-dir",
        str(report_dir),
    ]
    if exclude:
        command += ["--exclude-path-regex", exclude]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=SECONDS_PER_IDENTITY * 3 + 60
    )
    return result


def test_schemathesis_finds_nothing_as_a_shop_or_as_the_operator(server):
    base_url, keys, tmp_path = server
    outcomes = {}
    for identity, include, exclude in [
        ("shop", r"^/api/v1/", r"^/api/v1/operator/"),
        ("operator", r"^/api/v1/operator/", None),
    ]:
        result = _fuzz(
            base_url,
            keys["seller" if identity == "shop" else "operator"],
            tmp_path / identity,
            include=include,
            exclude=exclude,
        )
        outcomes[identity] = result
    failed = {
        identity: (result.stdout[-6000:] + result.stderr[-2000:])
        for identity, result in outcomes.items()
        if result.returncode != 0
    }
    assert not failed, "\n\n".join(f"== as the {k} ==\n{v}" for k, v in failed.items())
