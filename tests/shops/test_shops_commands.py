"""Bootstrap commands: create_shop, create_operator, issue_api_key."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from rest_framework.test import APIClient

from shops.models import ApiKey, Shop, User

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    stdout = StringIO()
    call_command(*args, stdout=stdout, **options)
    return stdout.getvalue()


def test_create_shop_creates_the_shop_and_its_first_seller():
    output = run(
        "create_shop",
        "--code=norte",
        "--name=Librería del Norte",
        "--user=norte",
        "--password=secret-pass-123",
        "--email=norte@example.com",
    )

    shop = Shop.objects.get(code="norte")
    seller = User.objects.get(username="norte")
    assert (shop.name, shop.email) == ("Librería del Norte", "norte@example.com")
    assert seller.shop == shop
    assert not seller.is_staff
    assert seller.check_password("secret-pass-123")
    assert "norte" in output


def test_create_shop_is_idempotent_on_the_code():
    arguments = ["create_shop", "--code=norte", "--user=norte", "--password=secret-pass-123"]
    run(*arguments, "--name=Librería del Norte")

    run(*arguments, "--name=Librería del Norte S.L.")

    assert Shop.objects.filter(code="norte").count() == 1
    assert Shop.objects.get(code="norte").name == "Librería del Norte S.L."
    assert User.objects.filter(username="norte").count() == 1


def test_create_operator_makes_a_staff_user_who_can_use_the_admin(client):
    run("create_operator", "--user=operador", "--password=secret-pass-123")

    operator = User.objects.get(username="operador")
    assert operator.is_staff
    assert operator.shop is None
    # django-axes counts logins per request: the test client's login passes one.
    assert client.login(request=HttpRequest(), username="operador", password="secret-pass-123")
    assert client.get("/admin/").status_code == 200


def test_create_operator_again_sets_the_new_password():
    run("create_operator", "--user=operador", "--password=first-pass-123")

    run("create_operator", "--user=operador", "--password=second-pass-456")

    assert User.objects.filter(username="operador").count() == 1
    assert User.objects.get(username="operador").check_password("second-pass-456")


def test_issue_api_key_prints_only_the_key_and_the_key_authenticates(seller):
    output = run("issue_api_key", seller.username, "--name=ERP")

    lines = output.splitlines()
    assert len(lines) == 1
    key = lines[0]
    assert ApiKey.objects.get(user=seller).name == "ERP"
    api = APIClient()
    response = api.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_issue_api_key_for_an_unknown_user_fails_and_issues_nothing():
    with pytest.raises(CommandError):
        run("issue_api_key", "nobody")

    assert not ApiKey.objects.exists()
