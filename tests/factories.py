"""factory_boy factories shared by every app's tests."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.extensions import order_shipped_notify
from orders.models import Order, OrderEvent, OrderEventKind, OrderLine, OrderState
from shops.models import Shop, User


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.Sequence(lambda n: f"Tienda {n}")
    email = factory.LazyAttribute(lambda shop: f"{shop.code}@example.com")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("secret-pass-123")


class SellerFactory(UserFactory):
    shop = factory.SubFactory(ShopFactory)


class OperatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"operator{n}")
    is_staff = True
    is_superuser = True


class OrderFactory(factory.django.DjangoModelFactory):
    """An order with lines (default: 2 × 10.00 and 1 × 5.50) and 4.95 shipping."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    shop = factory.SubFactory(ShopFactory)
    reference = factory.Sequence(lambda n: f"ORD-{n:05d}")
    customer_name = "María García López"
    customer_email = "maria@example.com"
    state = OrderState.WAITING_ACCEPTANCE
    shipping_amount = Decimal("4.95")
    items_amount = Decimal("0.00")
    total_amount = Decimal("4.95")
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))

    @factory.post_generation
    def lines(order, create, extracted, **kwargs):
        specs = (
            extracted
            if extracted is not None
            else [("SKU-1", "Libro", 2, "10.00"), ("SKU-2", "Taza", 1, "5.50")]
        )
        items = Decimal("0.00")
        for sku, title, quantity, unit_price in specs:
            price = Decimal(unit_price)
            OrderLine.objects.create(
                order=order,
                sku=sku,
                title=title,
                quantity=quantity,
                unit_price=price,
                total_amount=price * quantity,
            )
            items += price * quantity
        Order.objects.filter(pk=order.pk).update(
            items_amount=items, total_amount=items + order.shipping_amount
        )
        order.items_amount, order.total_amount = items, items + order.shipping_amount
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.CREATED,
            to_state=order.state,
            created_at=order.created_at,
        )
        if order.shipped_at:
            # As `order_import` does: the statistics count the shipment with the order.
            order_shipped_notify(order)

    @classmethod
    def shipped(cls, days_ago=1, **kwargs):
        shipped_at = timezone.now() - timedelta(days=days_ago)
        kwargs.setdefault("created_at", shipped_at - timedelta(days=1))
        return cls(
            state=OrderState.SHIPPED, shipped_at=shipped_at, accepted_at=shipped_at, **kwargs
        )
