"""Production settings refuse to start without a real SECRET_KEY and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k3y-for-the-deploy-check-" + "aB9$zQ7#" * 6,
        ALLOWED_HOSTS="desk.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("AUTO_RECEIVE_DAYS", "ten")])
def test_a_bad_environment_value_fails_loudly(name, value):
    env = {"DEBUG": "1", name: value}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert name in result.stderr
