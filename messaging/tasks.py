"""Celery tasks of messaging; each one only calls a service."""

from celery import shared_task

from messaging.services import reply_deadlines_flag


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="messaging.tasks.flag_reply_deadlines")
def flag_reply_deadlines() -> dict:
    """Flag threads newly due soon or overdue and email their shops; returns the counts."""
    result = reply_deadlines_flag()
    return {
        "due_soon": len(result.due_soon),
        "overdue": len(result.overdue),
        "shops": len(result.shop_ids),
    }
