"""Never more than paid, also under simultaneous requests (PostgreSQL, real transactions)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from rest_framework.test import APIClient

from refunds.models import Refund
from shops.services import api_key_issue
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10


def _run_at_once(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_refunds_of_the_whole_remaining_amount_let_exactly_one_through(seller):
    order = OrderFactory.shipped(shop=seller.shop)
    keys = [api_key_issue(user=seller)[1] for _index in range(THREADS)]
    body = {"reason": "goodwill", "amount": "25.50", "shipping_amount": "4.95"}

    def refund_everything(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[index]}")
        response = client.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json")
        return response.status_code, response.json().get("code")

    results = _run_at_once(THREADS, refund_everything)

    assert sorted(results, key=str).count((201, None)) == 1
    assert results.count((400, "refund_exceeds_refundable")) == THREADS - 1
    refunded = Refund.objects.filter(order=order).aggregate(total=Sum("total_amount"))["total"]
    assert refunded == Decimal("30.45") <= order.total_amount


def test_simultaneous_replays_of_one_idempotency_key_make_one_refund(seller):
    order = OrderFactory.shipped(shop=seller.shop)
    _api_key, raw = api_key_issue(user=seller)
    body = {"reason": "goodwill", "amount": "1.00"}

    def replay(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        response = client.post(
            f"/api/v1/orders/{order.pk}/refunds/", body, format="json", HTTP_IDEMPOTENCY_KEY="k"
        )
        return response.status_code, response.json().get("id")

    results = _run_at_once(8, replay)

    assert {status for status, _id in results} == {201}
    assert len({refund_id for _status, refund_id in results}) == 1
    assert Refund.objects.filter(order=order).count() == 1


def test_simultaneous_confirm_and_refuse_decide_a_refund_once(seller, operator):
    from refunds.services import refund_confirm, refund_refuse
    from tests.refunds.conftest import make_refund

    order = OrderFactory.shipped(shop=seller.shop)
    refund = make_refund(order, seller, amount="1.00").refund

    def decide(index):
        from sellerdesk.errors import DomainError

        try:
            if index % 2:
                refund_confirm(refund=Refund.objects.get(pk=refund.pk), acting_user=operator)
            else:
                refund_refuse(
                    refund=Refund.objects.get(pk=refund.pk), acting_user=operator, reason="no"
                )
        except DomainError as error:
            return error.code
        return "done"

    results = _run_at_once(8, decide)

    assert results.count("done") == 1
    assert results.count("refund_not_pending") == 7
