"""A seller walks the dashboard, the inbox, a thread, an order, the refund page and the incidents
in Spanish and then in English (the browser's language): no message of the other language on any
page, and every amount in the language's own format, including what the refund preview writes."""

import re

import pytest
from django.utils import translation

from incidents.services import incident_open
from messaging.reasons import reasons_seed_defaults
from tests.factories import OperatorFactory, OrderFactory
from tests.formatting.test_catalogues import wrong_language
from tests.messaging.conftest import customer_thread
from tests.refunds.conftest import make_refund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Anything that looks like an amount: digits next to a currency sign or code.
NUMBER = r"\d(?:[\d.,]*\d)?"
AMOUNT = re.compile(rf"€\s?{NUMBER}|{NUMBER}\s?(?:€|EUR)|EUR\s?{NUMBER}")
MONEY_FORMAT = {
    "es": re.compile(r"^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$"),
    "en": re.compile(r"^€\d{1,3}(,\d{3})*\.\d{2}$"),
}
BROWSER_LOCALE = {"es": "es-ES", "en": "en-GB"}

TEXT_NODES = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (parent && !parent.closest("script, style") && node.textContent.trim()) {
      texts.push(node.textContent);
    }
  }
  document.querySelectorAll("[title], [placeholder], [aria-label]").forEach((element) => {
    ["title", "placeholder", "aria-label"].forEach((name) => {
      if (element.getAttribute(name)) texts.push(element.getAttribute(name));
    });
  });
  return texts;
}"""


@pytest.fixture(autouse=True)
def reasons(db):
    reasons_seed_defaults()


@pytest.fixture
def world(seller):
    operator = OperatorFactory(username="ana")
    order = OrderFactory.shipped(
        shop=seller.shop, reference="NOR-7001", lines=[("SKU-9", "Enciclopedia", 1, "1234.56")]
    )
    customer_thread(order, hours_ago=5, subject="Entrega")
    with translation.override("es"):
        make_refund(order, seller, amount="10.00")
        incident = incident_open(
            order=order,
            opened_by="CUSTOMER",
            reason="item_damaged",
            description="La portada llegó rasgada.",
            acting_user=operator,
        )
    return {"order": order, "incident": incident}


def check_page(page, language, problems, where) -> int:
    """Problems found on the page appended to `problems`; returns how many amounts it checked."""
    texts = page.evaluate(TEXT_NODES)
    html = "".join(f"<p>{text}</p>" for text in texts if "<" not in text)
    for found in wrong_language(html, language):
        problems.append(f"{where}: {found}")
    amounts = 0
    for text in texts:
        for amount in AMOUNT.findall(text):
            amounts += 1
            if not MONEY_FORMAT[language].match(amount.strip()):
                problems.append(f"{where}: money {amount!r} in {text.strip()!r}")
    return amounts


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_seller_reads_every_page_in_one_language(browser, live_server, seller, world, language):
    context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALE[language])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "norte")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    order, incident = world["order"], world["incident"]
    problems, amounts = [], 0

    for where, path in [
        ("dashboard", "/dashboard/"),
        ("inbox", "/messages/"),
        ("order", f"/orders/{order.pk}/"),
        ("incidents", "/incidents/"),
        ("incident", f"/incidents/{incident.pk}/"),
    ]:
        page.goto(path)
        amounts += check_page(page, language, problems, where)

    page.goto("/messages/")
    page.click("table a >> text=Entrega")
    page.wait_for_load_state()
    check_page(page, language, problems, "thread")

    page.goto(f"/orders/{order.pk}/refunds/new/")
    page.fill("[data-refund-field=amount]", "1000")
    page.locator("[data-testid=preview-total]").filter(has_text="1").wait_for()
    total = page.locator("[data-testid=preview-total]").inner_text()
    amounts += check_page(page, language, problems, "refund page")
    context.close()

    assert total == {"es": "1.000,00\u00a0€", "en": "€1,000.00"}[language]
    assert amounts > 10 and not problems, "\n".join(problems)
