"""Sections that other apps add to the order page and the order API.

`orders` does not import messaging, incidents or refunds; they register a section here from
their AppConfig.ready(). A section gives the template of its panel on the order page, the
context that panel needs, and the fields it adds to `GET /api/v1/orders/{id}/`. Each callable
runs a constant number of queries for one order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrderSection:
    key: str
    position: int
    template: str | None = None
    # (order, request) -> template context for the panel
    page_context: Callable | None = None
    # (order, request) -> extra fields of the order's API representation
    api_fields: Callable | None = None
    # names of the fields `api_fields` adds, with an OpenAPI-friendly description
    api_field_names: dict = field(default_factory=dict)


_sections: dict[str, OrderSection] = {}


def register_order_section(section: OrderSection) -> None:
    _sections[section.key] = section


def order_sections() -> list[OrderSection]:
    return sorted(_sections.values(), key=lambda section: section.position)


# Called inside the transaction that ships an order (by hand or by an import of a shipped
# order), with the order as written: the statistics count the shipment with it.
_shipped_hooks: list[Callable] = []


def register_order_shipped(hook: Callable) -> None:
    if hook not in _shipped_hooks:
        _shipped_hooks.append(hook)


def order_shipped_notify(order) -> None:
    for hook in _shipped_hooks:
        hook(order)
