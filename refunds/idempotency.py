"""A refund's own seeding key (`Refund.idempotency_key`), used only by the demo loaders so that
loading the demo twice creates each refund once.

The API's `Idempotency-Key` is not this: every creating POST, refunds included, goes through the
one mechanism of `sellerdesk.idempotency` (records per shop or operator, replaying the first
answer). This key is internal and never set from a request.
"""

from django.utils.translation import gettext as _

from sellerdesk.errors import InvalidState


class IdempotencyKeyReused(InvalidState):
    code = "idempotency_key_reused"


def check_replay(refund, request_hash: str) -> None:
    """A stored refund found under the key: the same request may replay it, another may not."""
    if refund.request_hash != request_hash:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for another request (refund #%(id)s). "
                "Use a new key for a new refund."
            )
            % {"id": refund.pk}
        )
