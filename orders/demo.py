"""Demo orders for `manage.py load_demo`: about twenty per demo shop, in every state.

Deterministic (one seeded random generator per shop) and idempotent (keyed on the order
reference). Dates are relative to now and respect AUTO_RECEIVE_DAYS and AUTO_CLOSE_DAYS, so
the order-cycle job, which `make run` starts right away, leaves every state on screen.
Customer names, products and reasons are data, in the marketplace's language (Spanish).
"""

import random
import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderState
from orders.services import LineInput, order_import
from shops.demo import DEMO_SHOPS
from shops.models import Shop

ORDERS_PER_SHOP = 20
# How many demo orders each shop has in each state (adds up to ORDERS_PER_SHOP).
STATE_PLAN = {
    OrderState.WAITING_ACCEPTANCE: 3,
    OrderState.SHIPPING: 3,
    OrderState.SHIPPED: 4,
    OrderState.RECEIVED: 3,
    OrderState.CLOSED: 4,
    OrderState.REFUSED: 1,
    OrderState.CANCELED: 2,
}
SHIPPED_STATES = (OrderState.SHIPPED, OrderState.RECEIVED, OrderState.CLOSED)

CATALOGUES = {
    "norte": [
        ("LIB-9788497592208", "Cien años de soledad — Gabriel García Márquez (bolsillo)", "10.40"),
        ("LIB-9788408163435", "La sombra del viento — Carlos Ruiz Zafón", "10.95"),
        ("LIB-9788490628058", "Patria — Fernando Aramburu", "11.95"),
        ("LIB-9788424117511", "Don Quijote de la Mancha — edición del IV Centenario", "24.90"),
        ("LIB-9788433920164", "La ridícula idea de no volver a verte — Rosa Montero", "9.45"),
        ("LIB-9788420471839", "Niebla — Miguel de Unamuno", "8.50"),
        ("LIB-9788467045802", "El infinito en un junco — Irene Vallejo", "23.90"),
        ("LIB-9788408253389", "Los señores del tiempo — Eva García Sáenz de Urturi", "21.90"),
        ("LIB-9788491050940", "Atlas ilustrado de las aves de la Península Ibérica", "32.00"),
        ("LIB-9788426418470", "El principito — Antoine de Saint-Exupéry (ilustrado)", "12.30"),
        ("PAP-CUAD-A5-RAY", "Cuaderno A5 de tapa dura, rayado, 192 páginas", "12.50"),
        ("PAP-MARC-CUERO", "Marcapáginas de cuero grabado", "6.90"),
        ("PAP-LAMP-PINZA", "Lámpara de lectura LED con pinza", "14.95"),
    ],
    "sur": [
        ("ELE-CAF-EXP-20B", "Cafetera espresso 20 bar con vaporizador, 1,5 L", "89.90"),
        ("ELE-FRE-AIR-55", "Freidora de aire sin aceite 5,5 L, 1700 W", "99.99"),
        ("ELE-ASP-SC-252", "Aspiradora escoba sin cable 25,2 V", "149.00"),
        ("ELE-BAT-MANO-1000", "Batidora de mano 1000 W con accesorios", "49.95"),
        ("ELE-MIC-20L-GR", "Microondas con grill 20 L, 800 W", "119.00"),
        ("ELE-PLA-VAP-2600", "Plancha de vapor 2600 W, suela cerámica", "39.90"),
        ("ELE-HER-17L-INOX", "Hervidor eléctrico de acero inoxidable 1,7 L", "24.99"),
        ("ELE-TOS-2R", "Tostadora de 2 ranuras con pinzas", "29.95"),
        ("ELE-VEN-PIE-40", "Ventilador de pie 40 cm, 3 velocidades", "34.90"),
        ("ELE-EXP-CIT", "Exprimidor eléctrico de cítricos", "19.99"),
        ("ELE-ROB-COC-1500", "Robot de cocina multifunción 1500 W", "399.00"),
        ("ELE-SAN-GRILL", "Sandwichera grill con placas antiadherentes", "27.50"),
        ("ELE-DES-20L", "Deshumidificador 20 L/día", "189.00"),
    ],
}

FIRST_NAMES = [
    "María", "Carmen", "Lucía", "Ana", "Laura", "Marta", "Elena", "Sara", "Paula", "Cristina",
    "Isabel", "Pilar", "Nuria", "Rocío", "Alba", "José", "Antonio", "Manuel", "Francisco",
    "David", "Javier", "Daniel", "Carlos", "Miguel", "Alejandro", "Pablo", "Sergio", "Jorge",
    "Álvaro", "Raúl", "Iñaki", "Jordi",
]  # fmt: skip
SURNAMES = [
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Navarro", "Torres", "Domínguez", "Gil", "Vázquez", "Serrano", "Ramos", "Blanco",
    "Castro", "Ortega", "Rubio", "Núñez", "Iglesias", "Etxeberria", "Puig",
]  # fmt: skip
# Reserved example domains: customers get real emails (refund notices) if SMTP is configured.
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
CARRIERS = ["Correos", "SEUR", "MRW", "GLS", "Correos Express"]
REFUSE_REASONS = ["Sin existencias del artículo", "Error en el precio publicado"]
CANCEL_REASONS = [
    "El cliente pidió anular el pedido",
    "Dirección de entrega incompleta; el cliente no respondió",
    "Artículo descatalogado por el fabricante",
]


@dataclass
class DemoOrder:
    state: str
    age_days: float  # how long ago it was created
    shipped_age_days: float | None
    customer_name: str
    customer_email: str
    lines: list[LineInput]
    shipping_amount: Decimal
    carrier: str = ""
    tracking_number: str = ""
    state_reason: str = ""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _customer(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FIRST_NAMES)
    surname, second_surname = rng.sample(SURNAMES, 2)
    email = f"{_ascii(first)}.{_ascii(surname)}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"
    return f"{first} {surname} {second_surname}", email


def _tracking_number(rng: random.Random, carrier: str) -> str:
    digits = string.digits
    if carrier == "Correos":
        # Correos: "PK" + 2 letters/digits + 16 digits + a check letter.
        middle = "".join(rng.choices(string.ascii_uppercase + digits, k=2))
        return f"PK{middle}{''.join(rng.choices(digits, k=16))}{rng.choice(string.ascii_uppercase)}"
    length = {"SEUR": 14, "MRW": 12, "GLS": 11, "Correos Express": 16}[carrier]
    return "".join(rng.choices(digits, k=length))


def _between(rng: random.Random, low: float, high: float) -> float:
    return rng.uniform(min(low, high / 2), high)


def _ages(rng: random.Random, state: str) -> tuple[float, float | None]:
    """(created, shipped) ages in days, consistent with the state and the order-cycle job."""
    receive_days, close_days = settings.AUTO_RECEIVE_DAYS, settings.AUTO_CLOSE_DAYS
    if state == OrderState.WAITING_ACCEPTANCE:
        return rng.uniform(0.05, 2), None
    if state == OrderState.SHIPPING:
        return rng.uniform(0.5, 4), None
    if state == OrderState.REFUSED:
        return rng.uniform(3, 118), None
    if state == OrderState.CANCELED:
        return rng.uniform(1, 118), None
    if state == OrderState.SHIPPED:
        # Younger than AUTO_RECEIVE_DAYS, or the job would mark it received at once.
        shipped = _between(rng, 0.3, receive_days * 0.8)
    elif state == OrderState.RECEIVED:
        # The import receives it on its shipping date: younger than AUTO_CLOSE_DAYS.
        shipped = _between(rng, 1, close_days * 0.8)
    else:  # CLOSED
        shipped = rng.uniform(close_days + 1, 115)
    return shipped + rng.uniform(0.2, 3), shipped


def _amounts(rng: random.Random, shop_code: str) -> tuple[list[LineInput], Decimal]:
    catalogue = CATALOGUES[shop_code]
    count = rng.choices([1, 2, 3, 4], weights=[5, 3, 2, 1])[0]
    lines = []
    for sku, title, price in rng.sample(catalogue, count):
        quantity = rng.choices([1, 2, 3], weights=[8, 3, 1])[0]
        lines.append(LineInput(sku=sku, title=title, quantity=quantity, unit_price=Decimal(price)))
    items = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    if shop_code == "norte":
        shipping = Decimal("0.00") if items >= 30 else Decimal("2.99")
    else:
        shipping = Decimal("0.00") if items >= 200 else Decimal(rng.choice(["4.95", "6.90"]))
    return lines, shipping


def demo_orders(shop_code: str) -> list[DemoOrder]:
    """The shop's demo orders, oldest first; the same list on every run."""
    rng = random.Random(f"sellerdesk-demo-orders-{shop_code}")
    orders = []
    for state, count in STATE_PLAN.items():
        for _index in range(count):
            age, shipped_age = _ages(rng, state)
            name, email = _customer(rng)
            lines, shipping = _amounts(rng, shop_code)
            order = DemoOrder(state, age, shipped_age, name, email, lines, shipping)
            if state in SHIPPED_STATES:
                order.carrier = rng.choice(CARRIERS)
                order.tracking_number = _tracking_number(rng, order.carrier)
            elif state == OrderState.REFUSED:
                order.state_reason = rng.choice(REFUSE_REASONS)
            elif state == OrderState.CANCELED:
                order.state_reason = rng.choice(CANCEL_REASONS)
            orders.append(order)
    orders.sort(key=lambda order: -order.age_days)
    return orders


def _ago(now: datetime, days: float) -> datetime:
    return (now - timedelta(days=days)).replace(second=0, microsecond=0)


def import_missing_orders(shop: Shop, orders: list[tuple[str, dict, dict]]) -> tuple[int, int]:
    """Import the demo orders of a shop that are not there yet (idempotent on the reference).

    Each item is (reference, `order_import` keyword arguments, fields the import does not take,
    such as the shipment, which the marketplace's history carries). Answers (created, existing).
    """
    existing = set(
        Order.objects.filter(shop=shop, reference__in=[item[0] for item in orders]).values_list(
            "reference", flat=True
        )
    )
    created = 0
    for reference, fields, extra in orders:
        if reference in existing:
            continue
        order = order_import(
            shop=shop,
            reference=reference,
            customer_language="es",
            currency=settings.DEFAULT_CURRENCY,
            **fields,
        )
        if extra:
            Order.objects.filter(pk=order.pk).update(**extra)
        created += 1
    return created, len(existing)


def load_demo(stdout) -> None:
    now = timezone.now()
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        # References follow creation dates, as the marketplace numbers its orders.
        specs = demo_orders(shop.code)
        created, existing = import_missing_orders(
            shop,
            [
                (
                    f"{shop.code.upper()}-{10001 + index}",
                    {
                        "customer_name": spec.customer_name,
                        "customer_email": spec.customer_email,
                        "lines": spec.lines,
                        "shipping_amount": spec.shipping_amount,
                        "state": spec.state,
                        "created_at": _ago(now, spec.age_days),
                        "shipped_at": _ago(now, spec.shipped_age_days)
                        if spec.shipped_age_days is not None
                        else None,
                    },
                    {
                        "carrier": spec.carrier,
                        "tracking_number": spec.tracking_number,
                        "state_reason": spec.state_reason,
                    },
                )
                for index, spec in enumerate(specs)
            ],
        )
        stdout.write(
            _("Orders of %(shop)s: %(created)d created, %(existing)d already there.")
            % {"shop": shop.code, "created": created, "existing": existing}
        )
