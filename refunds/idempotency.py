"""Idempotency-Key on POST /orders/{id}/refunds/ (api.md).

The key is stored on the refund it created (`Refund.idempotency_key`, unique per shop) with a
hash of the request (`Refund.request_hash`): the order and the body, canonically serialized.
- the same key and the same body again: the first refund is answered again (201, same body,
  header `Idempotent-Replayed: true`), nothing new is written;
- the same key with another body (or another order): 409 `idempotency_key_reused`;
- two identical requests at the same moment: the order row lock serializes them (the second
  finds the first's refund), and across orders the unique constraint does; the loser replays.
Only a refund that was created keeps its key: a refused request (400) may be sent again.
"""

import hashlib
import json

from django.utils.translation import gettext as _

from sellerdesk.errors import DomainError, InvalidState

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(InvalidState):
    code = "idempotency_key_reused"


def idempotency_key_from(request) -> str | None:
    """The request's key, or None without one. Raises idempotency_key_invalid."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            _("The Idempotency-Key header must be 1 to %(max)d printable characters.")
            % {"max": MAX_KEY_LENGTH},
            code="idempotency_key_invalid",
        )
    return key


def request_fingerprint(*, order_id: int, body) -> str:
    """A hash of what was asked: the same order and the same JSON body give the same hash."""
    canonical = json.dumps(
        {"order": order_id, "body": body}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


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
