import pytest
from django.core import mail

from messaging.reasons import reasons_seed_defaults
from refunds.models import Refund
from tests.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reasons(db):
    """The operator's reason list (a transactional test starts from an empty database)."""
    reasons_seed_defaults()


def test_a_seller_refunds_one_unit_and_the_shipping_with_a_live_preview(
    page, login, seller, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-4343")
    book = order.lines.get(sku="SKU-1")

    login("norte")
    page.goto(f"/orders/{order.pk}/")
    page.click("[data-testid=refund-button]")
    page.fill(f"[data-refund-line='{book.pk}'][data-refund-part=quantity]", "1")
    page.fill("[data-refund-field=shipping_amount]", "4.95")

    preview_total = page.locator("[data-testid=preview-total]")
    preview_total.filter(has_text="€14.95").wait_for()
    assert page.locator("[data-testid=preview-remaining]").inner_text() == "€15.50"
    assert page.locator(f"[data-preview-line='{book.pk}']").inner_text() == "€10.00"
    assert Refund.objects.count() == 0

    page.select_option("#id_reason", "customer_return")
    page.click("[data-testid=refund-submit]")
    confirm = page.locator("[data-testid=refund-confirm]")
    assert "Refund €14.95 to María? María will be emailed." in confirm.inner_text()
    assert Refund.objects.count() == 0
    page.click("[data-testid=refund-confirm-button]")
    page.wait_for_url(f"**/orders/{order.pk}/")

    assert page.locator("[data-testid=order-refund-total]").inner_text() == "€14.95"
    assert page.locator("[data-testid=pending-amount]").inner_text().startswith("€14.95")
    refund = Refund.objects.get()
    assert refund.total_amount == refund.shipping_amount + book.unit_price
    # The customer and the shop each get one email about the refund.
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [order.customer_email, order.shop.email]
    )


def test_the_preview_shows_what_remains_when_the_seller_asks_too_much(page, login, seller):
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-4344")

    login("norte")
    page.goto(f"/orders/{order.pk}/refunds/new/")
    page.fill("[data-refund-field=shipping_amount]", "9.99")

    page.locator("[data-testid=refund-errors]").filter(has_text="remains refundable").wait_for()
    assert "€4.95" in page.locator("form#refund-form").inner_text()
