"""Every inbox filter, in the API and on the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import services
from messaging.models import Thread
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, shop_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(shop, seller):
    """Five threads that differ in one thing each."""
    ana = OrderFactory(shop=shop, reference="NOR-1001", customer_name="Ana Etxeberria Puig")
    luis = OrderFactory(shop=shop, reference="NOR-2002", customer_name="Luis Pérez Gil")
    overdue = customer_thread(ana, hours_ago=50, subject="Paquete perdido", reason_code="delivery")
    due_soon = customer_thread(
        luis, hours_ago=40, subject="Factura pendiente", reason_code="invoice_request"
    )
    answered = shop_thread(
        luis, seller, subject="Envío de la factura", reason_code="invoice_request"
    )
    with_operator = shop_thread(
        ana, seller, to="operator", subject="Consulta al operador", reason_code="other"
    )
    services.thread_mark_read(thread=due_soon, acting_user=seller)
    old = timezone.now() - timedelta(days=20)
    Thread.objects.filter(pk=answered.pk).update(last_message_at=old)
    return {
        "overdue": overdue.pk,
        "due_soon": due_soon.pk,
        "answered": answered.pk,
        "with_operator": with_operator.pk,
    }


def api_ids(api, query) -> set[int]:
    response = api.get(f"/api/v1/threads/?{query}")
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def page_ids(seller_client, query) -> set[int]:
    response = seller_client.get(f"/messages/?{query}")
    assert response.status_code == 200
    # The default (triage) view lists what awaits a reply first, then the rest.
    listed = [*response.context["awaiting"], *response.context["threads"]]
    return {thread.pk for thread in listed}


FILTERS = [
    ("subject=factura", {"due_soon", "answered"}),
    ("customer=etxeberria", {"overdue", "with_operator"}),
    ("order=NOR-2002", {"due_soon", "answered"}),
    ("unread=true", {"overdue"}),
    ("unread=false", {"due_soon", "answered", "with_operator"}),
    ("deadline=awaiting_reply", {"overdue", "due_soon"}),
    ("deadline=due_soon", {"due_soon"}),
    ("deadline=overdue", {"overdue"}),
    ("deadline=none", {"answered", "with_operator"}),
    ("participant=operator", {"with_operator"}),
    ("participant=customer", {"overdue", "due_soon", "answered"}),
    ("reason=invoice_request", {"due_soon", "answered"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_filter_in_the_api(api, inbox, query, expected):
    assert api_ids(api, query) == {inbox[name] for name in expected}


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_filter_on_the_page(seller_client, inbox, query, expected):
    assert page_ids(seller_client, query) == {inbox[name] for name in expected}


def test_the_date_of_last_message_filters_in_the_api(api, inbox):
    cutoff = (timezone.now() - timedelta(days=10)).isoformat().replace("+00:00", "Z")

    assert api_ids(api, f"last_message_before={cutoff}") == {inbox["answered"]}
    assert inbox["answered"] not in api_ids(api, f"last_message_after={cutoff}")


def test_the_date_of_last_message_filters_on_the_page(seller_client, inbox):
    day = (timezone.localdate() - timedelta(days=10)).isoformat()

    assert page_ids(seller_client, f"last_message_before={day}") == {inbox["answered"]}
    assert inbox["answered"] not in page_ids(seller_client, f"last_message_after={day}")


def test_the_inbox_lists_newest_activity_first(api, inbox):
    rows = api.get("/api/v1/threads/").json()["results"]

    times = [row["last_message_at"] for row in rows]
    assert times == sorted(times, reverse=True)
    assert rows[-1]["id"] == inbox["answered"]


def test_a_wrong_filter_value_is_a_clear_400(api, inbox):
    response = api.get("/api/v1/threads/?deadline=someday")

    assert response.status_code == 400
    assert "deadline" in response.json()["fields"]


def test_the_operator_filters_by_shop(operator_api, inbox, other_order):
    customer_thread(other_order)

    rows = operator_api.get("/api/v1/operator/threads/?shop=sur").json()["results"]

    assert {row["shop"] for row in rows} == {"sur"}
