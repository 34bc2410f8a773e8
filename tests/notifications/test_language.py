"""A notice is written in its recipient's language whoever caused it: the shop's (es/en, its
settings page and the admin), the customer's, the operators' (OPERATOR_LANGUAGE); money and
dates formatted for that language and the shop's timezone."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core import mail

from notifications.services import Event, notices_emit, shop_recipient
from shops.models import Shop
from tests.factories import OrderFactory, ShopFactory
from tests.incidents.conftest import open_incident
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


def _open_in_english(operator_api, order):
    """The operator works in English (the API request's language)."""
    return operator_api.post(
        f"/api/v1/operator/orders/{order.pk}/incidents/",
        {"opened_by": "operator", "reason": "item_damaged", "description": "Caja rota."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_spanish_shop_gets_spanish_mail_from_an_operator_working_in_english(
    operator_api, shop, send_outbox
):
    order = OrderFactory.shipped(shop=shop, reference="NOR-9001")

    response = _open_in_english(operator_api, order)
    send_outbox()

    assert response.status_code == 201
    assert response.json()["reason_label"] == "Item damaged"  # the answer is the operator's
    (email,) = mail.outbox
    assert email.extra_headers["Content-Language"] == "es"
    assert email.subject == "Nueva incidencia en el pedido NOR-9001: responder de inmediato"
    assert "Artículo dañado" in email.body


def test_an_english_shop_gets_english_mail(operator_api, send_outbox):
    shop = ShopFactory(code="north", name="North Books", language="en")
    order = OrderFactory.shipped(shop=shop, reference="NTH-9001")

    _open_in_english(operator_api, order)
    send_outbox()

    (email,) = mail.outbox
    assert email.extra_headers["Content-Language"] == "en"
    assert email.subject == "New incident on order NTH-9001: please answer now"
    assert "Item damaged" in email.body


def test_the_operators_mail_follows_operator_language(
    settings, seller, shop, send_outbox, operator
):
    from incidents.services import incident_mark_resolved

    settings.OPERATOR_LANGUAGE = "en"
    incident = open_incident(OrderFactory.shipped(shop=shop, reference="NOR-9002"), operator)
    mail.outbox.clear()

    incident_mark_resolved(
        incident=incident, reason="replacement_sent", message="Reembolsado.", acting_user=seller
    )
    send_outbox()

    (email,) = [message for message in mail.outbox if message.to == [settings.OPERATOR_EMAIL]]
    assert email.extra_headers["Content-Language"] == "en"
    assert "marked as resolved" in email.subject
    assert "Replacement sent" in email.body


@pytest.mark.parametrize(
    ("language", "amount", "total"),
    [("es", "1.234,50\xa0€", "Total:"), ("en", "€1,234.50", "Total:")],
)
def test_money_is_written_for_the_shops_language(seller, send_outbox, language, amount, total):
    Shop.objects.filter(pk=seller.shop_id).update(language=language)
    order = OrderFactory.shipped(
        shop=Shop.objects.get(pk=seller.shop_id), lines=[("SKU-9", "Sofá", 1, "1300.00")]
    )

    make_refund(order, seller, amount="1234.50")
    send_outbox()

    (to_shop,) = [email for email in mail.outbox if email.to == [order.shop.email]]
    assert f"{total} {amount}" in to_shop.body


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "2 de marzo de 2026, 9:30"), ("en", "2 March 2026, 09:30")],
)
def test_dates_are_written_in_the_shops_language_and_timezone(send_outbox, language, text):
    # A shop in the Canary Islands (UTC+0 in March), not in Madrid (UTC+1).
    shop = ShopFactory(code="canarias", timezone="Atlantic/Canary", language=language)
    due = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    notices_emit(
        [
            Event(
                type="thread.deadlines",
                key="dates",
                shop=shop,
                recipients=[shop_recipient(shop)],
                params={
                    "threads": [
                        {
                            "id": 1,
                            "subject": "Pregunta",
                            "reference": "",
                            "overdue": True,
                            "due_at": due.isoformat(),
                            "path": "/messages/1/",
                        }
                    ],
                    "more": 0,
                    "overdue_count": 1,
                    "due_soon_count": 0,
                    "inbox_path": "/messages/",
                    "deadline_hours": 48,
                },
            )
        ]
    )

    send_outbox()

    assert text in mail.outbox[0].body


def test_the_seller_sets_the_shops_language_on_its_settings_page(seller_client, shop):
    page = seller_client.get("/settings/shop/")
    response = seller_client.post(
        "/settings/shop/", {"language": "en", "email": "hola@norte.example"}
    )

    shop.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert (shop.language, shop.email) == ("en", "hola@norte.example")


def test_a_bad_language_is_refused_next_to_the_field(seller_client, shop):
    response = seller_client.post("/settings/shop/", {"language": "fr", "email": ""})

    shop.refresh_from_db()
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert shop.language == "es"


def test_the_operator_sets_a_shops_language_in_the_admin(operator_client, shop):
    page = operator_client.get(f"/admin/shops/shop/{shop.pk}/change/")

    assert page.status_code == 200
    assert 'name="language"' in page.content.decode()


def test_operator_language_must_be_offered():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "1", "OPERATOR_LANGUAGE": "fr"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "OPERATOR_LANGUAGE" in result.stderr
