import pytest

from incidents.models import Incident, IncidentState
from tests.factories import OperatorFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_seller_resolves_an_incident_from_the_order_page(page, login, seller):
    from incidents.services import incident_open

    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-5150")
    incident = incident_open(
        order=order,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="La portada llegó rasgada.",
        acting_user=OperatorFactory(username="operador"),
    )

    login("norte")
    page.click("nav.mainnav >> text=Incidents")
    assert (
        page.locator(f"[data-incident='{incident.pk}'] [data-testid=incident-state]").inner_text()
        == "Open"
    )
    page.click(f"[data-incident='{incident.pk}'] >> text=NOR-5150")

    assert page.locator("h1").inner_text() == "Order NOR-5150"
    assert page.locator("[data-testid=order-frozen]").is_visible()
    panel = page.locator(f"[data-testid=incident-{incident.pk}]")
    panel.locator("summary >> text=Mark as resolved").click()
    form = page.locator(f"[data-testid=resolve-form-{incident.pk}]")
    form.locator("select").select_option("replacement_sent")
    form.locator("textarea").fill("Enviamos un ejemplar nuevo por mensajería urgente.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Order NOR-5150"
    assert panel.locator("[data-testid=incident-state]").inner_text() == "Resolved"
    assert (
        panel.locator("[data-testid=incident-waiting]").inner_text() == "waiting for the operator"
    )
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESOLVED
    assert incident.events.latest("id").message == (
        "Enviamos un ejemplar nuevo por mensajería urgente."
    )
    assert Incident.objects.count() == 1
