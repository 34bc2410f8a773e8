"""Exports: one row per conversation with its times, delay and deadline status, incidents and
refunds, with the list's filters, as CSV and XLSX, from the pages and the API; the operator's
export of every shop's quality figures."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from incidents.models import Incident
from messaging.services import message_import, message_post
from refunds.models import Refund, RefundState
from tests.factories import OrderFactory, ShopFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response)
    return response.content


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    text = _content(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_content(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def conversations(shop, seller):
    order = OrderFactory.shipped(shop=shop, reference="NORTE-1", customer_name="Rocío Pérez")
    answered = customer_thread(order, hours_ago=10, subject="Contestada")
    message_import(thread=answered, author="customer", body="¿Y?", acting_user=None)
    message_post(
        thread=answered, body="Ya va.", to_customer=True, to_operator=False, acting_user=seller
    )
    waiting = customer_thread(order, hours_ago=50, subject="Esperando")
    return answered, waiting


def test_threads_export_one_row_per_conversation_in_english(seller_client, conversations):
    seller_client.cookies["django_language"] = "en"
    rows = _csv(seller_client.get("/messages/export.csv"))

    assert [row["Subject"] for row in rows] == ["Contestada", "Esperando"]
    answered, waiting = rows
    assert answered["Customer"] == "Rocío Pérez"
    assert answered["Order"] == "NORTE-1"
    assert answered["Deadline status"] == "Nothing awaited"
    assert answered["Awaiting reply since"] == ""
    assert 9.9 <= float(answered["Reply delay (hours)"]) <= 10.1  # first wait: 10 h
    assert waiting["Deadline status"] == "Overdue"
    assert 49.9 <= float(waiting["Reply delay (hours)"]) <= 50.1  # still waiting
    local = timezone.localtime(conversations[1].reply_needed_since)
    assert waiting["Awaiting reply since"] == local.strftime("%Y-%m-%d %H:%M")


def test_threads_export_in_spanish_keeps_the_filters(seller_client, conversations):
    rows = _csv(seller_client.get("/messages/export.csv?deadline=overdue"))
    assert [row["Asunto"] for row in rows] == ["Esperando"]
    assert rows[0]["Estado del plazo"] == "Vencido"


def test_threads_export_as_xlsx(seller_client, conversations):
    seller_client.cookies["django_language"] = "en"
    rows = _xlsx(seller_client.get("/messages/export.xlsx?subject=contestada"))
    assert rows[0][:4] == ["Conversation", "Subject", "Customer", "Order"]
    assert [row[1] for row in rows[1:]] == ["Contestada"]
    assert isinstance(rows[1][7], type(timezone.now().replace(tzinfo=None)))  # a real datetime


def test_times_are_the_shops_local_times(client, db):
    shop = ShopFactory(code="akl", timezone="Pacific/Auckland")
    from tests.factories import SellerFactory

    seller = SellerFactory(username="akl", shop=shop)
    client.force_login(seller)
    thread = customer_thread(OrderFactory(shop=shop), hours_ago=1)

    rows = _csv(client.get("/messages/export.csv"))

    expected = timezone.localtime(thread.created_at, shop.tzinfo).strftime("%Y-%m-%d %H:%M")
    assert rows[0]["Primer mensaje"] == expected


def test_incidents_and_refunds_export_with_their_filters(seller_client, shop):
    order = OrderFactory.shipped(shop=shop, reference="NORTE-7")
    Incident.objects.create(
        shop=shop,
        order=order,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="Llegó roto",
        waiting_since=timezone.now() - timedelta(hours=5),
    )
    Refund.objects.create(
        order=order,
        shop=shop,
        state=RefundState.PENDING,
        reason="goodwill",
        currency="EUR",
        total_amount=Decimal("12.50"),
    )
    Refund.objects.create(
        order=order,
        shop=shop,
        state=RefundState.REFUSED,
        reason="goodwill",
        currency="EUR",
        total_amount=Decimal("3.00"),
    )
    seller_client.cookies["django_language"] = "en"

    incidents = _csv(seller_client.get("/incidents/export.csv?state=open"))
    assert [row["Order"] for row in incidents] == ["NORTE-7"]
    assert incidents[0]["Reason"] == "Item damaged"
    assert 4.9 <= float(incidents[0]["Waiting for the shop (hours)"]) <= 5.1

    refunds = _csv(seller_client.get("/refunds/export.csv?state=pending"))
    assert [(row["Total"], row["State"]) for row in refunds] == [("12.50", "Pending")]
    refunds_xlsx = _xlsx(seller_client.get("/refunds/export.xlsx"))
    assert len(refunds_xlsx) == 3


def test_the_api_exports_with_the_api_filters_and_keeps_shops_apart(api, conversations, other_shop):
    customer_thread(OrderFactory(shop=other_shop), subject="Ajena")

    rows = _csv(api.get("/api/v1/threads/export.csv?deadline=overdue"))
    assert [row["Asunto"] for row in rows] == ["Esperando"]
    everything = _csv(api.get("/api/v1/threads/export.csv"))
    assert "Ajena" not in [row["Asunto"] for row in everything]
    assert _xlsx(api.get("/api/v1/refunds/export.xlsx"))[1:] == []


def test_the_api_refuses_bad_filters_in_the_error_shape(api):
    response = api.get("/api/v1/threads/export.csv?last_message_after=yesterday")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "last_message_after" in response.json()["fields"]
    assert api.get("/api/v1/threads/export.pdf").status_code == 404


def test_the_list_pages_offer_the_export_with_their_filters(seller_client, conversations):
    page = seller_client.get("/messages/?deadline=overdue").content.decode()
    assert 'href="/messages/export.csv?deadline=overdue"' in page
    assert 'data-testid="exports"' in seller_client.get("/incidents/").content.decode()
    assert 'data-testid="exports"' in seller_client.get("/refunds/").content.decode()


def test_the_operator_exports_every_shops_quality_figures(operator_client, shop, other_shop):
    operator_client.cookies["django_language"] = "en"
    overview = operator_client.get("/admin/stats/qualityoverview/").content.decode()
    assert 'data-testid="quality-export"' in overview

    rows = _csv(operator_client.get("/admin/stats/qualityoverview/export.csv?period=7d"))
    # Sorted by shop name: "Electrodomésticos del Sur" before "Librería del Norte".
    assert [row["Shop code"] for row in rows] == ["sur", "norte"]
    assert "Orders shipped" in rows[0]
    workbook = _xlsx(operator_client.get("/admin/stats/qualityoverview/export.xlsx"))
    assert workbook[0][:2] == ["Shop code", "Shop"] and len(workbook) == 3


def test_sellers_cannot_reach_the_operators_export(seller_client):
    response = seller_client.get("/admin/stats/qualityoverview/export.csv")
    assert response.status_code == 302  # to the admin's login
