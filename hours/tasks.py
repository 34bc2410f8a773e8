"""Celery tasks of business hours; each one only calls a service."""

from celery import shared_task

from hours.services import closure_warnings_send


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="hours.tasks.warn_before_closures")
def warn_before_closures() -> dict:
    """Warn each shop about to close of the threads that fall due while it is closed."""
    return {"shops": len(closure_warnings_send())}
