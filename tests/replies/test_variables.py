"""Every template variable, filled from the thread's order, and left visible when it cannot be."""

from decimal import Decimal

import pytest

from messaging.models import Message
from refunds.models import Refund, RefundState
from replies import services
from replies.variables import VARIABLES
from sellerdesk.errors import DomainError
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(shop):
    return OrderFactory.shipped(
        shop=shop,
        reference="NORTE-10012",
        customer_name="Rocío Álvarez",
        carrier="SEUR",
        tracking_number="ES123456789",
    )


def _fill(shop, thread, body, language="es"):
    template = services.reply_template_create(
        shop=shop, name=f"t-{abs(hash(body))}-{language}", language=language, body=body
    )
    return services.reply_template_fill(template=template, thread=thread)


def test_every_variable_is_covered_here():
    assert set(VARIABLES) == {
        "customer_name",
        "order_reference",
        "carrier",
        "tracking_number",
        "tracking_url",
        "refund_amount",
        "shop_name",
    }


def test_it_fills_the_customer_name(shop, shipped):
    filled = _fill(shop, customer_thread(shipped), "Hola {customer_name}:")
    assert (filled.body, filled.missing) == ("Hola Rocío Álvarez:", [])


def test_it_fills_the_order_reference(shop, shipped):
    filled = _fill(shop, customer_thread(shipped), "Pedido {order_reference}")
    assert filled.body == "Pedido NORTE-10012"


def test_it_fills_the_carrier_and_tracking_number(shop, shipped):
    filled = _fill(shop, customer_thread(shipped), "{carrier}: {tracking_number}")
    assert filled.body == "SEUR: ES123456789"


def test_it_fills_the_tracking_url_of_a_known_carrier(shop, shipped):
    filled = _fill(shop, customer_thread(shipped), "Sigue tu paquete: {tracking_url}")
    assert filled.body == (
        "Sigue tu paquete: https://www.seur.com/livetracking/?segOnlineIdentificador=ES123456789"
    )


def test_an_unknown_carrier_leaves_the_tracking_url_unfilled(shop):
    order = OrderFactory.shipped(shop=shop, carrier="Mensajería Pepe", tracking_number="77")
    filled = _fill(shop, customer_thread(order), "{carrier} {tracking_url}")
    assert filled.body == "Mensajería Pepe {tracking_url}"
    assert filled.missing == ["tracking_url"]


def test_it_fills_the_shop_name(shop, shipped):
    filled = _fill(shop, customer_thread(shipped), "— {shop_name}")
    assert filled.body == "— Librería del Norte"


def test_it_fills_the_refund_amount_in_the_templates_language(shop, shipped):
    for state, amount in ((RefundState.REFUNDED, "1234.50"), (RefundState.REFUSED, "99.00")):
        Refund.objects.create(
            order=shipped,
            shop=shop,
            state=state,
            reason="goodwill",
            currency="EUR",
            total_amount=Decimal(amount),
        )
    thread = customer_thread(shipped)

    spanish = _fill(shop, thread, "Reembolsamos {refund_amount}.", "es")
    english = _fill(shop, thread, "We refunded {refund_amount}.", "en")

    # A refused refund gives nothing back: only the refunded one counts.
    assert spanish.body == "Reembolsamos 1.234,50\xa0€."  # CLDR Spanish (Babel)
    assert english.body == "We refunded €1,234.50."


def test_variables_the_order_cannot_fill_stay_and_are_listed(shop):
    order = OrderFactory(shop=shop)  # not shipped, nothing refunded
    filled = _fill(
        shop, customer_thread(order), "{carrier} {tracking_number} {tracking_url} {refund_amount}"
    )
    assert filled.body == "{carrier} {tracking_number} {tracking_url} {refund_amount}"
    assert filled.missing == ["carrier", "tracking_number", "tracking_url", "refund_amount"]


def test_an_unknown_variable_is_refused_at_save_with_the_valid_ones(shop):
    with pytest.raises(DomainError) as refused:
        services.reply_template_create(
            shop=shop, name="Mal", language="es", body="Hola {nombre_cliente}, {customer_name}"
        )

    assert refused.value.code == "template_variable_unknown"
    message = str(refused.value.fields["body"][0])
    assert "{nombre_cliente}" in message
    for name in VARIABLES:
        assert f"{{{name}}}" in message


def test_a_reply_still_holding_a_variable_is_refused(seller_client, shop):
    order = OrderFactory(shop=shop)
    thread = customer_thread(order)

    response = seller_client.post(
        f"/messages/{thread.pk}/reply/",
        {"body": "Su envío va con {carrier}", "to_customer": "on"},
    )

    assert response.status_code == 400
    assert "{carrier}" in response.content.decode()
    assert not Message.objects.filter(thread=thread, author="SHOP").exists()
