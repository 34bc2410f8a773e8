"""What other apps do when one of their notices is delivered.

`notifications` imports none of the apps that use it; an app that must record a delivery (the
refunds app writes "customer notified" on the order timeline) registers a hook here from its
AppConfig.ready(), as `orders.freeze` and `orders.extensions` do for the order.

A hook runs in the transaction that marks the notice sent: it is recorded once, with the
delivery, or not at all.
"""

from collections.abc import Callable

_delivered: dict[str, list[Callable]] = {}


def register_delivered_hook(event: str, hook: Callable) -> None:
    """`hook(notice)` runs when a notice of this event type has been delivered."""
    hooks = _delivered.setdefault(event, [])
    if hook not in hooks:
        hooks.append(hook)


def run_delivered_hooks(notice) -> None:
    for hook in _delivered.get(notice.event, ()):
        hook(notice)
