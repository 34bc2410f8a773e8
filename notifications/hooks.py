"""What other apps do when one of their notices is delivered.

`notifications` imports none of the apps that use it; an app that must record a delivery (the
refunds app writes "customer notified" on the order timeline) registers a hook here from its
AppConfig.ready(), as `orders.freeze` and `orders.extensions` do for the order.

A hook runs in the transaction that marks the notice sent: it is recorded once, with the
delivery, or not at all.

A context builder gives an email, when it is rendered, what its notice keeps only as ids: the
deadline job writes a thousand digests at once and must not read and copy every thread listed
(messaging registers `digest_threads`).
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


# --- Context builders: what an email needs that its notice keeps only as ids -----------------

_context_builders: dict[str, list[Callable]] = {}


def register_context_builder(event: str, builder: Callable) -> None:
    """`builder(notice)` returns template variables for an email of this event type, read when
    the email is rendered (at delivery), so the writer of the notice stores only ids and counts.

    The app that emits the event registers it from its AppConfig.ready(); the returned keys
    override the notice's own parameters.
    """
    builders = _context_builders.setdefault(event, [])
    if builder not in builders:
        builders.append(builder)


def build_context(notice) -> dict:
    context = {}
    for builder in _context_builders.get(notice.event, ()):
        context.update(builder(notice))
    return context
