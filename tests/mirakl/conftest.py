"""Fixtures for the Mirakl-compatible API: a shop with a bit of everything, built through the
services (so every stored time, event and balance is what production would have), and clients
that authenticate the way Mirakl connectors do (`Authorization: <key>`, no scheme word)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from incidents.services import incident_open
from messaging import services as messaging
from messaging.attachments import minimal_pdf
from messaging.reasons import reasons_seed_defaults
from orders.models import Order, OrderState
from refunds.calculations import LineRequest, RefundRequest
from refunds.services import refund_create
from shops.services import api_key_issue
from tests.factories import OrderFactory


@pytest.fixture(autouse=True)
def reasons(db):
    reasons_seed_defaults()


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True


def raw_key(user) -> str:
    _api_key, raw = api_key_issue(user=user, name="connector")
    return raw


def mirakl_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=raw_key(user))
    return client


@pytest.fixture
def mirakl(seller):
    """The shop's connector: its key in `Authorization` without a scheme word."""
    return mirakl_client(seller)


@pytest.fixture
def mirakl_operator(operator):
    return mirakl_client(operator)


def pdf(name="factura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf("Factura"), content_type="application/pdf")


@dataclass
class World:
    waiting: object  # WAITING_ACCEPTANCE
    to_ship: object  # SHIPPING
    shipped: object  # SHIPPED, refunded in part (a line, units, shipping)
    with_incident: object  # SHIPPED, an incident open on its first line
    received: object  # RECEIVED, a thread with the operator
    customer_thread: object  # awaiting the shop's reply, with a PDF attachment
    operator_thread: object  # with the operator, not about an order
    answered_thread: object  # the shop replied: nothing awaited
    incident: object
    attachment: object


def build_world(shop, seller, operator, prefix="NOR") -> World:
    """One of each: the states of the order cycle, threads awaiting a reply or not, an incident,
    refunds (paid and pending), an attachment."""
    waiting = OrderFactory(shop=shop, reference=f"{prefix}-1001")
    to_ship = OrderFactory(shop=shop, reference=f"{prefix}-1002", state=OrderState.SHIPPING)
    shipped = OrderFactory.shipped(shop=shop, reference=f"{prefix}-1003", days_ago=2)
    with_incident = OrderFactory.shipped(shop=shop, reference=f"{prefix}-1004", days_ago=3)
    received = OrderFactory.shipped(shop=shop, reference=f"{prefix}-1005", days_ago=5)
    Order.objects.filter(pk=received.pk).update(
        state=OrderState.RECEIVED, received_at=received.shipped_at + timedelta(days=2)
    )
    received.refresh_from_db()
    first, second = shipped.lines.order_by("id")
    refund_create(
        order=shipped,
        reason="damaged_item",
        request=RefundRequest(
            lines=[LineRequest(line_id=first.pk, quantity=1)], shipping_amount=Decimal("4.95")
        ),
        acting_user=seller,
    )
    refund_create(
        order=shipped,
        reason="goodwill",
        request=RefundRequest(lines=[LineRequest(line_id=second.pk, amount=Decimal("2.00"))]),
        acting_user=seller,
    )
    incident = incident_open(
        order=with_incident,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="La caja llegó rota.",
        line_id=with_incident.lines.order_by("id").first().pk,
        acting_user=operator,
    )
    customer_thread = messaging.thread_import(
        order=shipped,
        author="customer",
        reason_code="order_question",
        subject="¿Y la factura?",
        body="Necesito la factura, por favor.",
        acting_user=operator,
        attachments=[pdf("pedido.pdf")],
    )
    operator_thread = messaging.thread_start(
        shop=shop,
        order=None,
        reason_code="other",
        subject="Duda sobre comisiones",
        body="¿Cómo se calculan las comisiones?",
        to_customer=False,
        to_operator=True,
        acting_user=seller,
    )
    messaging.message_import(
        thread=operator_thread, author="operator", body="Se lo explicamos.", acting_user=operator
    )
    answered_thread = messaging.thread_import(
        order=received,
        author="customer",
        reason_code="delivery",
        body="¿Dónde está mi paquete?",
        acting_user=operator,
    )
    messaging.message_post(
        thread=answered_thread,
        body="Ya está entregado.",
        to_customer=True,
        to_operator=False,
        acting_user=seller,
    )
    attachment = customer_thread.messages.get().attachments.get()
    return World(
        waiting=waiting,
        to_ship=to_ship,
        shipped=shipped,
        with_incident=with_incident,
        received=received,
        customer_thread=customer_thread,
        operator_thread=operator_thread,
        answered_thread=answered_thread,
        incident=incident,
        attachment=attachment,
    )


@pytest.fixture
def world(shop, seller, operator):
    return build_world(shop, seller, operator)


@pytest.fixture
def other_world(other_shop, other_seller, operator):
    return build_world(other_shop, other_seller, operator, prefix="SUR")
