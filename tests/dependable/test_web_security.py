"""The web side: login throttling (django-axes), a Content-Security-Policy without inline code
(django-csp), Referrer-Policy and Permissions-Policy, and `check --deploy` clean."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)


def _login(client, username, password, address="10.0.0.1", language="es"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [("es", "Demasiados intentos fallidos"), ("en", "Too many failed attempts")],
)
def test_after_the_failure_limit_even_the_right_password_is_refused(client, shop, language, words):
    SellerFactory(username="norte", shop=shop)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "norte", "wrong", language=language).status_code == 200
    # The failure that reaches the limit is already answered with the lockout.
    assert _login(client, "norte", "wrong", language=language).status_code == 429

    response = _login(client, "norte", "secret-pass-123", language=language)

    assert response.status_code == 429
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_from_any_address(client, shop):
    SellerFactory(username="norte", shop=shop)
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "norte", "wrong", address=f"10.0.1.{index}")

    assert _login(client, "norte", "secret-pass-123", address="10.9.9.9").status_code == 429


def test_the_lockout_is_per_address_whatever_the_user(client, shop):
    SellerFactory(username="norte", shop=shop)
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"nobody{index}", "wrong", address="10.0.2.1")

    assert _login(client, "norte", "secret-pass-123", address="10.0.2.1").status_code == 429
    assert _login(client, "norte", "secret-pass-123", address="10.0.2.2").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, shop):
    SellerFactory(username="norte", shop=shop)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "norte", "wrong")
    assert _login(client, "norte", "secret-pass-123").status_code == 302


def test_an_operator_unlocks_in_the_admin(client, operator_client, shop):
    from django.test import Client

    SellerFactory(username="norte", shop=shop)
    seller_browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(seller_browser, "norte", "wrong")
    assert _login(seller_browser, "norte", "secret-pass-123").status_code == 429
    attempt = AccessAttempt.objects.get(username="norte")

    listing = operator_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "norte" in listing.content.decode()
    deleted = operator_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert deleted.status_code == 302

    assert _login(seller_browser, "norte", "secret-pass-123").status_code == 302


def test_every_page_has_a_csp_without_inline_code_and_the_other_headers(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_api_docs_page_runs_no_inline_script(client, seller):
    client.force_login(seller)
    html = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle=[\"']", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "an event-handler attribute"),
]


def test_no_template_has_inline_scripts_or_styles():
    found = []
    for template in BASE.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(BASE)}: {what}")
    assert found == []


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment does not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "sellerdesk.example.com",
        "SELLERDESK_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
