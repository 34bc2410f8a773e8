"""Every seller page: axe-core (vendored, tests/browser/vendor/axe.min.js) finds nothing serious
or critical, and no page is wider than a phone (390 px) or a tablet (820 px)."""

from pathlib import Path

import pytest

from messaging.reasons import reasons_seed_defaults
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread
from tests.stats.conftest import incident, refund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def page(browser, live_server):
    """The pages under their real Content-Security-Policy, except that axe-core, a test tool,
    may be injected as a script (bypass_csp); the pages themselves still load only 'self'."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def seller_pages(seller):
    reasons_seed_defaults()  # a transactional test starts from an empty database
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-4242")
    thread = customer_thread(order, subject="¿Dónde está mi pedido?")
    opened = incident(order, order.shipped_at)
    money_back = refund(order, "3.00", order.shipped_at)
    return [
        "/",
        "/messages/",
        f"/messages/{thread.pk}/",
        "/messages/new/",
        "/orders/",
        f"/orders/{order.pk}/",
        f"/orders/{order.pk}/refunds/new/",
        "/incidents/",
        f"/incidents/{opened.pk}/",
        "/refunds/",
        f"/refunds/{money_back.pk}/",
        "/dashboard/",
    ]


def _serious_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') allows no
    # injected <script>, and should not be loosened for a test.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("language", ["es", "en"])
def test_axe_finds_nothing_serious_on_any_seller_page(page, login, seller_pages, language):
    login("norte")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    found = {}
    for path in seller_pages:
        page.goto(path)
        violations = _serious_violations(page)
        if violations:
            found[path] = violations

    assert found == {}


@pytest.mark.parametrize("width", [390, 820])
def test_no_seller_page_is_wider_than_the_screen(page, login, seller_pages, width):
    page.set_viewport_size({"width": width, "height": 900})
    login("norte")
    wider = {}
    for path in seller_pages:
        page.goto(path)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            wider[path] = scroll_width

    assert wider == {}


def test_the_skip_link_is_the_first_stop_and_is_visible_when_focused(page, login, seller_pages):
    login("norte")
    page.goto("/messages/")
    page.keyboard.press("Tab")

    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
