"""The seller's refund pages: list with filters, one refund, the refund form and the order panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from refunds.models import Refund
from tests.factories import OrderFactory
from tests.refunds.conftest import lines_of, make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(seller_client):
    seller_client.cookies["django_language"] = "en"
    return seller_client


def _form_url(order):
    return f"/orders/{order.pk}/refunds/new/"


def test_the_order_page_shows_the_refunds_panel(seller_client, seller, shipped_order):
    make_refund(shipped_order, seller, amount="5.00")

    page = seller_client.get(f"/orders/{shipped_order.pk}/").content.decode()

    assert 'data-testid="refunds-panel"' in page
    assert _form_url(shipped_order) in page
    assert 'data-testid="pending-amount">€5.00' in page  # pending, not refunded yet
    assert 'data-testid="refunded-amount">€0.00' in page
    assert 'data-testid="refundable-amount">€25.45' in page
    assert 'data-testid="order-refund"' in page


def test_the_panel_offers_no_refund_before_shipment(seller_client, order):
    page = seller_client.get(f"/orders/{order.pk}/").content.decode()

    assert _form_url(order) not in page
    assert "has not been shipped" in page


def test_the_panel_offers_no_refund_once_everything_is_refunded(
    seller_client, seller, shipped_order
):
    make_refund(shipped_order, seller, amount="25.50", shipping="4.95")

    page = seller_client.get(f"/orders/{shipped_order.pk}/").content.decode()

    assert 'data-testid="refund-button"' not in page


def test_the_refund_form_lists_the_lines_with_what_remains(seller_client, shipped_order):
    response = seller_client.get(_form_url(shipped_order))

    page = response.content.decode()
    assert response.status_code == 200
    for line in shipped_order.lines.all():
        assert f'data-refund-line="{line.pk}"' in page
    assert "js/refunds.js" in page
    assert 'data-preview-url="/api/v1/orders/' in page


def test_submitting_the_form_creates_the_refund_and_returns_to_the_order(
    seller_client, shipped_order
):
    book = lines_of(shipped_order)["SKU-1"]

    data = {"reason": "customer_return", f"line_{book.pk}_quantity": "1", "shipping_amount": "4.95"}
    asked = seller_client.post(_form_url(shipped_order), data)
    assert "Refund €14.95 to María? María will be emailed." in asked.content.decode()
    assert not Refund.objects.exists()  # Enter or "Refund…" only asks

    response = seller_client.post(
        _form_url(shipped_order), {**data, "confirm": "1", "confirmed_total": "14.95"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{shipped_order.pk}/"
    refund = Refund.objects.get()
    assert refund.total_amount == refund.shipping_amount + book.unit_price


def test_the_form_accepts_a_decimal_comma(seller_client, shipped_order):
    seller_client.cookies["django_language"] = "es"

    response = seller_client.post(
        _form_url(shipped_order),
        {"reason": "goodwill", "amount": "2,50", "confirm": "1", "confirmed_total": "2.50"},
    )

    assert response.status_code == 302
    assert str(Refund.objects.get().total_amount) == "2.50"


def test_a_refused_refund_is_shown_next_to_the_form_and_nothing_is_written(
    seller_client, shipped_order
):
    response = seller_client.post(
        _form_url(shipped_order), {"reason": "goodwill", "shipping_amount": "5.00"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "more than what remains refundable" in page
    assert "At most €4.95 of the shipping remains refundable." in page
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "amount": "1.00"}, "This field is required."),
        ({"reason": "goodwill", "amount": "1.001"}, "decimal places"),
        ({"reason": "goodwill", "amount": "abc"}, "Enter a number."),
        ({"reason": "goodwill"}, "Say what to refund"),
        ({"reason": "goodwill", "amount": "-1"}, "Must be greater than zero."),
    ],
)
def test_invalid_input_comes_back_with_the_error(seller_client, shipped_order, data, message):
    response = seller_client.post(_form_url(shipped_order), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Refund.objects.exists()


def test_the_preview_button_shows_the_breakdown_without_javascript(seller_client, shipped_order):
    book = lines_of(shipped_order)["SKU-1"]

    response = seller_client.post(
        _form_url(shipped_order),
        {"preview": "1", "reason": "", f"line_{book.pk}_quantity": "1", "shipping_amount": "4.95"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview-total">€14.95<' in page
    assert 'data-testid="preview-remaining">€15.50<' in page
    assert not Refund.objects.exists()


def test_a_window_that_ended_is_explained_on_the_form(seller_client, shop):
    order = OrderFactory.shipped(shop=shop, days_ago=210)

    get = seller_client.get(_form_url(order))
    post = seller_client.post(_form_url(order), {"reason": "goodwill", "amount": "1.00"})

    assert "can no longer be refunded" in get.content.decode()
    assert '<fieldset class="plain" disabled>' in get.content.decode()
    assert post.status_code == 400
    assert post.content.decode().count("can no longer be refunded") == 1  # said once
    assert not Refund.objects.exists()


def test_amounts_changed_after_the_question_are_asked_again(seller_client, shipped_order):
    response = seller_client.post(
        _form_url(shipped_order),
        {"reason": "goodwill", "amount": "3.00", "confirm": "1", "confirmed_total": "2.00"},
    )

    assert response.status_code == 200
    assert "Refund €3.00 to María?" in response.content.decode()
    assert not Refund.objects.exists()


def test_a_refused_field_says_its_error_once(seller_client, shipped_order):
    response = seller_client.post(
        _form_url(shipped_order), {"reason": "goodwill", "shipping_amount": "5.00"}
    )

    assert response.content.decode().count("At most €4.95 of the shipping remains") == 1


def test_the_panel_keeps_pending_and_refunded_amounts_apart(seller_client, seller, shipped_order):
    pending = make_refund(shipped_order, seller, amount="5.00").refund
    confirmed = make_refund(shipped_order, seller, amount="2.00").refund
    Refund.objects.filter(pk=confirmed.pk).update(state="REFUNDED")

    page = seller_client.get(f"/orders/{shipped_order.pk}/").content.decode()

    assert pending.state == "PENDING"
    assert 'data-testid="refunded-amount">€2.00' in page
    assert 'data-testid="pending-amount">€5.00' in page


def test_an_unshipped_order_shows_no_refundable_amount_and_says_why(seller_client, order):
    page = seller_client.get(f"/orders/{order.pk}/").content.decode()

    assert 'data-testid="refundable-amount"' not in page
    assert 'data-testid="refund-button-disabled"' in page
    assert "has not been shipped: cancel it instead" in page


def test_a_fully_refunded_order_says_nothing_is_left(seller_client, seller, shipped_order):
    make_refund(shipped_order, seller, amount="25.50", shipping="4.95")

    page = seller_client.get(f"/orders/{shipped_order.pk}/").content.decode()

    assert "Nothing is left to refund on order" in page


def test_the_refund_page_shows_its_lines(seller_client, seller, shipped_order):
    refund = make_refund(shipped_order, seller, lines=[("SKU-2", 1, None)]).refund

    page = seller_client.get(f"/refunds/{refund.pk}/").content.decode()

    assert "Taza" in page
    assert "5.50" in page


def test_the_list_filters_by_state_order_and_dates(seller_client, seller, shop, shipped_order):
    other = OrderFactory.shipped(shop=shop, reference="NOR-7777")
    make_refund(shipped_order, seller, amount="1.00")
    old = make_refund(other, seller, amount="2.00").refund
    Refund.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    week_ago = (timezone.now() - timedelta(days=7)).date().isoformat()

    by_order = seller_client.get("/refunds/?order=7777").content.decode()
    by_state = seller_client.get("/refunds/?state=refunded").content.decode()
    recent = seller_client.get(f"/refunds/?created_after={week_ago}").content.decode()
    older = seller_client.get(f"/refunds/?created_before={week_ago}").content.decode()

    assert by_order.count('data-testid="refund-row"') == 1 and "NOR-7777" in by_order
    assert by_state.count('data-testid="refund-row"') == 0
    assert recent.count('data-testid="refund-row"') == 1 and "NOR-5001" in recent
    assert older.count('data-testid="refund-row"') == 1 and "NOR-7777" in older


def test_the_menu_links_the_refunds_list(seller_client):
    page = seller_client.get("/refunds/").content.decode()

    assert 'href="/refunds/"' in page


def test_pages_need_a_login(client, shipped_order):
    response = client.get(_form_url(shipped_order))

    assert response.status_code == 302


def test_in_spanish_the_confirmation_carries_the_total_it_asked_about(seller_client, shipped_order):
    """The question says "13,94 €" in Spanish, but the hidden total it sends back must be the
    machine number, or "Yes, refund" never matches and the seller is asked again forever."""
    seller_client.cookies["django_language"] = "es"
    book = lines_of(shipped_order)["SKU-1"]
    data = {"reason": "customer_return", f"line_{book.pk}_quantity": "1", "shipping_amount": "4,95"}

    asked = seller_client.post(_form_url(shipped_order), data).content.decode()
    assert "14,95" in asked
    assert 'name="confirmed_total" value="14.95"' in asked

    response = seller_client.post(
        _form_url(shipped_order), {**data, "confirm": "1", "confirmed_total": "14.95"}
    )
    assert response.status_code == 302
    assert str(Refund.objects.get().total_amount) == "14.95"
