"""`make screenshots`: the README's pictures of the seller's day, in Spanish and English.

Skipped in the normal suite (SCREENSHOTS unset); writes docs/screenshots/<page>-<language>.png.
"""

import os
from pathlib import Path

import pytest

from messaging.reasons import reasons_seed_defaults
from tests.factories import OperatorFactory, OrderFactory
from tests.messaging.conftest import customer_thread
from tests.stats.conftest import incident

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="make screenshots only"),
]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.parametrize("language", ["es", "en"])
def test_screenshots(page, login, seller, language):
    reasons_seed_defaults()
    shop = seller.shop
    order = OrderFactory.shipped(shop=shop, reference="NOR-1042", customer_name="Lucía Fernández")
    thread = customer_thread(order, hours_ago=50, subject="¿Dónde está mi pedido?")
    customer_thread(order, hours_ago=40, subject="Factura, por favor")
    frozen = OrderFactory.shipped(shop=shop, reference="NOR-1043", customer_name="Iker Etxeberria")
    incident(frozen, frozen.shipped_at)
    OrderFactory(shop=shop, reference="NOR-1050")
    OperatorFactory(username="operador")
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    def shot(name):
        page.screenshot(path=str(OUT / f"{name}-{language}.png"), full_page=True)

    login("norte")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    for name, path in [
        ("home", "/"),
        ("inbox", "/messages/"),
        ("thread", f"/messages/{thread.pk}/"),
        ("incidents", "/incidents/"),
        ("dashboard", "/dashboard/"),
    ]:
        page.goto(path)
        shot(name)
    page.goto(f"/orders/{order.pk}/refunds/new/")
    book = order.lines.get(sku="SKU-1")
    page.fill(f"[data-refund-line='{book.pk}'][data-refund-part=quantity]", "1")
    page.fill("[data-refund-field=shipping_amount]", "3.94")
    page.select_option("#id_reason", index=1)
    page.click("[data-testid=refund-submit]")
    page.locator("[data-testid=refund-confirm]").wait_for()
    shot("refund-preview")

    page.context.clear_cookies()
    login("operador")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto("/admin/stats/qualityoverview/")
    shot("operator-overview")
