"""Celery tasks of the order cycle; each one only calls a service."""

from dataclasses import asdict

from celery import shared_task

from orders.services import orders_advance


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="orders.tasks.advance_orders")
def advance_orders() -> dict:
    """Auto receive / auto close due orders; returns {"received", "closed", "skipped_frozen"}."""
    return asdict(orders_advance())
