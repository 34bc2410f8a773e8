"""Celery tasks of refunds; each one takes ids and calls a service."""

from dataclasses import asdict
from smtplib import SMTPException

from celery import shared_task

from refunds import services


@shared_task(
    name="refunds.tasks.notify_customer_of_refund",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=48,
)
def notify_customer_of_refund(refund_id: int) -> bool:
    """Email the customer about one refund (once); retried with backoff while mail fails."""
    return services.refund_notify_customer(refund_id=refund_id)


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="refunds.tasks.notify_pending_refund_notifications")
def notify_pending_refund_notifications() -> dict:
    """Send the refund emails still unsent (queue or mail server down at creation time)."""
    return asdict(services.refund_notifications_send_pending())
