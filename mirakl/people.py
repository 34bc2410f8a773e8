"""Mirakl's participants (shop, customer, operator) built from SellerDesk's shop and order."""

from django.utils.translation import gettext as _


def customer_id(order) -> str:
    """SellerDesk has no customer accounts: the customer is known by the order's email."""
    return order.customer_email or f"order-{order.pk}"


def shop_participant(shop) -> dict:
    return {"type": "SHOP", "id": str(shop.pk), "display_name": shop.name}


def customer_participant(order) -> dict:
    return {"type": "CUSTOMER", "id": customer_id(order), "display_name": order.customer_name}


def operator_participant() -> dict:
    # Mirakl gives no id for the operator.
    return {"type": "OPERATOR", "display_name": _("Marketplace operator")}
