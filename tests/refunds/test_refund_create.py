"""Creating a refund through the API: the three ways alone and combined, and every refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import OrderEvent, OrderEventKind, OrderState
from refunds.models import Refund, RefundLine
from tests.factories import OrderFactory
from tests.refunds.conftest import lines_of, make_refund, shipped_on_local_day

pytestmark = pytest.mark.django_db


def _post(api, order, body):
    return api.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json")


def _parts(response):
    return {part["line"]: (part["quantity"], part["amount"]) for part in response.json()["lines"]}


def test_it_refunds_units_of_a_line_at_the_unit_price(api, shipped_order):
    book = lines_of(shipped_order)["SKU-1"]

    response = _post(
        api,
        shipped_order,
        {"reason": "customer_return", "lines": [{"line": book.pk, "quantity": 1}]},
    )

    assert response.status_code == 201
    body = response.json()
    assert _parts(response) == {book.pk: (1, "10.00")}
    assert body["total_amount"] == "10.00"
    assert body["shipping_amount"] == "0.00"
    assert body["state"] == "pending"
    assert body["reason"] == "customer_return"
    assert body["order"] == {"id": shipped_order.pk, "reference": "NOR-5001"}


def test_it_refunds_an_amount_on_one_line(api, shipped_order):
    mug = lines_of(shipped_order)["SKU-2"]

    response = _post(
        api,
        shipped_order,
        {"reason": "damaged_item", "lines": [{"line": mug.pk, "amount": "2.25"}]},
    )

    assert response.status_code == 201
    assert _parts(response) == {mug.pk: (0, "2.25")}


def test_it_spreads_an_order_amount_over_the_lines_in_proportion(api, shipped_order):
    by_sku = lines_of(shipped_order)

    response = _post(api, shipped_order, {"reason": "goodwill", "amount": "10.00"})

    assert response.status_code == 201
    # 20.00 and 5.50 remain: 10.00 × 20/25.5 = 7.843 → 7.84, 10.00 × 5.5/25.5 = 2.157 → 2.16.
    assert _parts(response) == {by_sku["SKU-1"].pk: (0, "7.84"), by_sku["SKU-2"].pk: (0, "2.16")}
    assert response.json()["total_amount"] == "10.00"


def test_it_refunds_the_shipping_alone(api, shipped_order):
    response = _post(api, shipped_order, {"reason": "late_delivery", "shipping_amount": "4.95"})

    assert response.status_code == 201
    assert response.json()["lines"] == []
    assert response.json()["total_amount"] == "4.95"


def test_it_combines_units_a_line_amount_an_order_amount_and_shipping(api, shipped_order):
    by_sku = lines_of(shipped_order)

    response = _post(
        api,
        shipped_order,
        {
            "reason": "other",
            "lines": [
                {"line": by_sku["SKU-1"].pk, "quantity": 1},
                {"line": by_sku["SKU-2"].pk, "amount": "0.50"},
            ],
            "amount": "3.00",
            "shipping_amount": "1.00",
        },
    )

    assert response.status_code == 201
    # After the named parts, 10.00 and 5.00 remain: 3.00 splits 2.00 / 1.00.
    assert _parts(response) == {by_sku["SKU-1"].pk: (1, "12.00"), by_sku["SKU-2"].pk: (0, "1.50")}
    assert response.json()["total_amount"] == "14.50"


def test_it_records_the_refund_on_the_order_timeline(api, seller, shipped_order):
    _post(api, shipped_order, {"reason": "goodwill", "shipping_amount": "1.00"})

    event = OrderEvent.objects.get(order=shipped_order, kind=OrderEventKind.REFUND_CREATED)
    assert event.actor == seller
    assert event.actor_side == "shop"


def test_the_exact_remaining_amount_is_allowed(api, seller, shipped_order):
    make_refund(shipped_order, seller, amount="10.00", shipping="2.00")

    response = _post(
        api, shipped_order, {"reason": "goodwill", "amount": "15.50", "shipping_amount": "2.95"}
    )

    assert response.status_code == 201
    assert api.get(f"/api/v1/orders/{shipped_order.pk}/").json()["refunded_amount"] == "30.45"


def test_one_cent_more_than_remains_is_refused_and_nothing_is_written(api, seller, shipped_order):
    make_refund(shipped_order, seller, amount="10.00", shipping="2.00")

    response = _post(api, shipped_order, {"reason": "goodwill", "amount": "15.51"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "refund_exceeds_refundable"
    assert "15,50\xa0€" in body["fields"]["amount"][0]
    assert "18,45\xa0€" in body["detail"]
    assert Refund.objects.count() == 1


def test_one_cent_more_shipping_than_remains_is_refused(api, shipped_order):
    response = _post(api, shipped_order, {"reason": "goodwill", "shipping_amount": "4.96"})

    assert response.json()["code"] == "refund_exceeds_refundable"
    assert "shipping_amount" in response.json()["fields"]


def test_more_units_than_remain_are_refused(api, seller, shipped_order):
    book = lines_of(shipped_order)["SKU-1"]
    make_refund(shipped_order, seller, lines=[("SKU-1", 1, None)])

    response = _post(
        api, shipped_order, {"reason": "goodwill", "lines": [{"line": book.pk, "quantity": 2}]}
    )

    assert response.json()["code"] == "refund_exceeds_refundable"
    assert "SKU-1" in response.json()["fields"]["lines"][0]


def test_units_and_amounts_on_the_same_line_together_never_exceed_it(api, seller, shipped_order):
    book = lines_of(shipped_order)["SKU-1"]
    make_refund(shipped_order, seller, lines=[("SKU-1", None, "5.00")])

    two_units = _post(
        api, shipped_order, {"reason": "goodwill", "lines": [{"line": book.pk, "quantity": 2}]}
    )
    one_unit_and_the_rest = _post(
        api,
        shipped_order,
        {
            "reason": "goodwill",
            "lines": [{"line": book.pk, "quantity": 1}, {"line": book.pk, "amount": "5.00"}],
        },
    )
    one_cent_more = _post(
        api, shipped_order, {"reason": "goodwill", "lines": [{"line": book.pk, "amount": "0.01"}]}
    )

    assert two_units.json()["code"] == "refund_exceeds_refundable"
    assert one_unit_and_the_rest.status_code == 201
    assert _parts(one_unit_and_the_rest) == {book.pk: (1, "15.00")}
    assert one_cent_more.json()["code"] == "refund_exceeds_refundable"


@pytest.mark.parametrize(
    "state",
    [OrderState.WAITING_ACCEPTANCE, OrderState.SHIPPING, OrderState.CANCELED, OrderState.REFUSED],
)
def test_an_order_that_was_not_shipped_cannot_be_refunded(api, shop, state):
    order = OrderFactory(shop=shop, state=state)

    response = _post(api, order, {"reason": "goodwill", "amount": "1.00"})

    assert response.status_code == 400
    assert response.json()["code"] == "order_not_shipped"
    assert not Refund.objects.exists()


@pytest.mark.parametrize("state", [OrderState.RECEIVED, OrderState.CLOSED])
def test_received_and_closed_orders_can_be_refunded(api, shop, state):
    order = OrderFactory.shipped(shop=shop)

    order.state = state
    order.save(update_fields=["state"])

    assert _post(api, order, {"reason": "goodwill", "amount": "1.00"}).status_code == 201


def test_the_200th_day_after_shipment_is_allowed(api, shop):
    order = OrderFactory.shipped(shop=shop)
    order.shipped_at = shipped_on_local_day(shop, 200)
    order.save(update_fields=["shipped_at"])

    response = _post(api, order, {"reason": "goodwill", "amount": "1.00"})

    assert response.status_code == 201


def test_it_refuses_refund_after_window(api, shop):
    order = OrderFactory.shipped(shop=shop)
    order.shipped_at = shipped_on_local_day(shop, 201)
    order.save(update_fields=["shipped_at"])

    response = _post(api, order, {"reason": "goodwill", "amount": "1.00"})

    assert response.status_code == 400
    assert response.json()["code"] == "refund_window_expired"
    assert not Refund.objects.exists()


def test_a_frozen_order_can_still_be_refunded(api, shipped_order):
    from orders import freeze

    freezer = lambda order_ref: OrderEvent.objects.filter(order=order_ref, kind="created")  # noqa: E731
    freeze.register_freezer(freezer)
    try:
        response = _post(api, shipped_order, {"reason": "goodwill", "amount": "1.00"})
    finally:
        freeze._freezers.remove(freezer)

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-1.00"}, "amount"),
        ({"shipping_amount": "0"}, "shipping_amount"),
        ({"lines": [{"line": "{book}", "quantity": 0}]}, "lines"),
        ({"lines": [{"line": "{book}", "amount": "-2.00"}]}, "lines"),
    ],
)
def test_zero_and_negative_refunds_are_refused(api, shipped_order, body, field):
    book = lines_of(shipped_order)["SKU-1"]
    if "lines" in body:
        body = {"lines": [{**body["lines"][0], "line": book.pk}]}

    response = _post(api, shipped_order, {"reason": "goodwill", **body})

    assert response.status_code == 400
    assert response.json()["code"] == "refund_amount_invalid"
    assert field in response.json()["fields"]
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1.005"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"shipping_amount": "1,5"}, "shipping_amount"),
        ({"amount": "12345678901.00"}, "amount"),
        ({"lines": [{"line": 1, "amount": "0.001"}]}, "lines"),
        ({"lines": [{"line": 1}]}, "lines"),
        ({"lines": [{"line": "x", "quantity": 1}]}, "lines"),
    ],
)
def test_malformed_amounts_are_field_errors(api, shipped_order, body, field):
    response = _post(api, shipped_order, {"reason": "goodwill", **body})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not Refund.objects.exists()


def test_a_refund_reason_is_required(api, shipped_order):
    missing = _post(api, shipped_order, {"amount": "1.00"})
    unknown = _post(api, shipped_order, {"reason": "because", "amount": "1.00"})

    assert missing.json()["fields"]["reason"]
    assert unknown.json()["fields"]["reason"]
    assert not Refund.objects.exists()


def test_a_refund_with_nothing_in_it_is_refused(api, shipped_order):
    response = _post(api, shipped_order, {"reason": "goodwill", "lines": []})

    assert response.status_code == 400
    assert response.json()["code"] == "refund_empty"


def test_a_line_of_another_order_is_refused(api, shop, shipped_order):
    another = OrderFactory.shipped(shop=shop)
    foreign_line = another.lines.first()

    response = _post(
        api,
        shipped_order,
        {"reason": "goodwill", "lines": [{"line": foreign_line.pk, "quantity": 1}]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_line"
    assert not RefundLine.objects.exists()


def test_an_unknown_line_is_refused(api, shipped_order):
    response = _post(
        api, shipped_order, {"reason": "goodwill", "lines": [{"line": 999999, "quantity": 1}]}
    )

    assert response.json()["code"] == "unknown_line"


def test_refused_refunds_do_not_count_so_the_amount_is_refundable_again(
    api, operator_api, shipped_order
):
    first = _post(
        api, shipped_order, {"reason": "goodwill", "amount": "25.50", "shipping_amount": "4.95"}
    )
    assert _post(api, shipped_order, {"reason": "goodwill", "amount": "0.01"}).status_code == 400

    refused = operator_api.post(
        f"/api/v1/operator/refunds/{first.json()['id']}/refuse/",
        {"reason": "No pagado"},
        format="json",
    )
    again = _post(
        api, shipped_order, {"reason": "goodwill", "amount": "25.50", "shipping_amount": "4.95"}
    )

    assert refused.status_code == 200
    assert refused.json()["state"] == "refused"
    assert again.status_code == 201


def test_the_order_api_shows_what_remains_refundable(api, seller, shipped_order):
    make_refund(shipped_order, seller, lines=[("SKU-1", None, "5.00")], shipping="1.00")

    body = api.get(f"/api/v1/orders/{shipped_order.pk}/").json()

    book = next(line for line in body["lines"] if line["sku"] == "SKU-1")
    assert book["refundable_amount"] == "15.00"
    assert book["refundable_quantity"] == 1
    assert body["refunded_amount"] == "6.00"
    shipped_day = shipped_order.shipped_at.astimezone(shipped_order.shop.tzinfo).date()
    assert body["refund_deadline"] == (shipped_day + timedelta(days=200)).isoformat()
    assert [refund["total_amount"] for refund in body["refunds"]] == ["6.00"]


def test_the_preview_gives_the_breakdown_what_remains_and_the_deadline_and_writes_nothing(
    api, shipped_order
):
    book = lines_of(shipped_order)["SKU-1"]

    response = api.post(
        f"/api/v1/orders/{shipped_order.pk}/refunds/preview/",
        {"lines": [{"line": book.pk, "quantity": 1}], "shipping_amount": "4.95"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["lines"] == [{"line": book.pk, "quantity": 1, "amount": "10.00"}]
    assert body["shipping_amount"] == "4.95"
    assert body["total_amount"] == "14.95"
    assert body["remaining"]["total_amount"] == "15.50"
    assert body["remaining"]["shipping_amount"] == "0.00"
    assert {"line": book.pk, "refundable_quantity": 1, "refundable_amount": "10.00"} in body[
        "remaining"
    ]["lines"]
    assert body["refundable"]["total_amount"] == "30.45"
    assert body["refund_deadline"]
    assert not Refund.objects.exists()
    assert not OrderEvent.objects.filter(kind=OrderEventKind.REFUND_CREATED).exists()


def test_the_preview_refuses_like_the_create(api, shipped_order):
    response = api.post(
        f"/api/v1/orders/{shipped_order.pk}/refunds/preview/", {"amount": "25.51"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "refund_exceeds_refundable"


def test_lists_filter_by_state_order_and_dates(api, seller, shop, shipped_order):
    other = OrderFactory.shipped(shop=shop, reference="NOR-5002")
    make_refund(shipped_order, seller, amount="1.00")
    make_refund(other, seller, amount="2.00")
    Refund.objects.filter(order=other).update(created_at=timezone.now() - timedelta(days=10))

    by_reference = api.get("/api/v1/refunds/?order=nor-5002").json()["results"]
    by_id = api.get(f"/api/v1/refunds/?order={shipped_order.pk}").json()["results"]
    by_state = api.get("/api/v1/refunds/?state=refunded").json()["results"]
    recent = api.get(
        "/api/v1/refunds/", {"created_after": (timezone.now() - timedelta(days=1)).isoformat()}
    ).json()["results"]
    of_order = api.get(f"/api/v1/orders/{other.pk}/refunds/").json()["results"]

    assert [row["total_amount"] for row in by_reference] == ["2.00"]
    assert [row["total_amount"] for row in by_id] == ["1.00"]
    assert by_state == []
    assert [row["total_amount"] for row in recent] == ["1.00"]
    assert [row["total_amount"] for row in of_order] == ["2.00"]


def test_money_is_decimal_all_the_way(api, seller, shipped_order):
    make_refund(shipped_order, seller, amount="0.10")
    make_refund(shipped_order, seller, amount="0.20")

    refund_total = sum(Refund.objects.values_list("total_amount", flat=True), Decimal("0"))

    assert refund_total == Decimal("0.30")
