"""The computation shared by the preview, the pages, the API and the create service."""

from decimal import Decimal

import pytest
from django.utils import translation

from refunds.calculations import (
    Balance,
    LineBalance,
    LineRequest,
    RefundRequest,
    compute_refund,
    spread,
)
from sellerdesk.errors import DomainError

D = Decimal


def _balance(**refunded):
    lines = {
        1: LineBalance(1, "A", "A", 2, D("10.00"), D("20.00")),
        2: LineBalance(2, "B", "B", 1, D("5.50"), D("5.50")),
        3: LineBalance(3, "C", "C", 3, D("3.33"), D("9.99")),
    }
    return Balance(lines=lines, shipping_paid=D("4.95"), **refunded)


def test_spreading_an_amount_adds_up_exactly_and_never_exceeds_a_line():
    weights = [(1, D("20.00")), (2, D("5.50")), (3, D("9.99"))]

    shares = spread(D("10.01"), weights)

    assert sum(shares.values()) == D("10.01")
    assert all(shares[key] <= weight for key, weight in weights)
    assert all(share == share.quantize(D("0.01")) for share in shares.values())


def test_spreading_gives_the_leftover_cents_to_the_largest_remainders():
    shares = spread(D("0.02"), [(1, D("1.00")), (2, D("1.00")), (3, D("1.00"))])

    assert shares == {1: D("0.01"), 2: D("0.01"), 3: D("0.00")}


def test_spreading_the_whole_remaining_amount_empties_every_line():
    weights = [(1, D("20.00")), (2, D("5.50")), (3, D("9.99"))]

    assert spread(D("35.49"), weights) == dict(weights)


def test_a_line_refunded_by_amount_keeps_only_the_units_that_amount_still_pays_for():
    line = LineBalance(1, "A", "A", 2, D("10.00"), D("20.00"), refunded_amount=D("5.00"))

    assert line.refundable_amount == D("15.00")
    assert line.refundable_quantity == 1


def test_units_and_an_amount_on_the_same_line_add_up():
    request = RefundRequest(lines=[LineRequest(1, quantity=1), LineRequest(1, amount=D("4.00"))])

    breakdown = compute_refund(_balance(), request, currency="EUR")
    after = _balance().after(breakdown)

    assert [(part.line_id, part.quantity, part.amount) for part in breakdown.lines] == [
        (1, 1, D("14.00"))
    ]
    assert after.lines[1].refundable_amount == D("6.00")
    assert after.lines[1].refundable_quantity == 0


def test_units_beyond_what_the_line_amount_still_pays_for_are_refused():
    balance = Balance(
        lines={1: LineBalance(1, "A", "A", 2, D("10.00"), D("20.00"), refunded_amount=D("5.00"))},
        shipping_paid=D("0.00"),
    )

    with pytest.raises(DomainError) as refused:
        compute_refund(balance, RefundRequest(lines=[LineRequest(1, quantity=2)]), currency="EUR")

    assert refused.value.code == "refund_exceeds_refundable"


def test_the_order_amount_is_spread_after_the_parts_that_name_a_line():
    request = RefundRequest(lines=[LineRequest(1, quantity=2)], amount=D("15.49"))

    breakdown = compute_refund(_balance(), request, currency="EUR")

    parts = {part.line_id: part.amount for part in breakdown.lines}
    assert parts == {1: D("20.00"), 2: D("5.50"), 3: D("9.99")}
    assert breakdown.total_amount == D("35.49")


def test_an_empty_request_is_refused():
    with pytest.raises(DomainError) as refused:
        compute_refund(_balance(), RefundRequest(), currency="EUR")

    assert refused.value.code == "refund_empty"


def test_the_refused_message_says_what_remains():
    # The reader's language, explicitly: another test of this worker may have left one active.
    with translation.override("es"), pytest.raises(DomainError) as refused:
        compute_refund(_balance(), RefundRequest(shipping_amount=D("4.96")), currency="EUR")

    assert "40,44\xa0€" in str(refused.value.detail)
    assert "4,95\xa0€" in refused.value.fields["shipping_amount"][0]
