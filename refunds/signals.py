"""Signals other apps listen to; refunds imports none of them.

`order_fully_refunded(sender=Refund, order, refund, acting_user)`
    Sent by `refunds.services.refund_create`, inside its transaction and with the order row
    locked, when the new refund leaves nothing refundable on the order (every line and the
    shipping, counting every refund that is not REFUSED). It is not sent for partial refunds,
    nor for an Idempotency-Key replay. A receiver that raises rolls the refund back, so
    receivers must only do what belongs to the same transaction (the incidents app closes the
    order's open incidents, recorded as closed by the full refund).
"""

from django.dispatch import Signal

order_fully_refunded = Signal()
