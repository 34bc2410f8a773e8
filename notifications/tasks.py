"""Celery tasks of the outbox; each one takes ids and calls a service."""

from dataclasses import asdict

from celery import shared_task

from notifications import services

# Retries a task schedules itself; a longer wait is the sweep's (beat), which keeps no message
# waiting in the broker for hours.
TASK_RETRY_LIMIT_SECONDS = 600
TASK_MAX_RETRIES = 8


@shared_task(bind=True, name="notifications.tasks.deliver_notices", max_retries=TASK_MAX_RETRIES)
def deliver_notices(self, event_ids=(), notice_ids=()) -> dict:
    """Deliver the notices an event wrote (queued after its commit). The ones that fail are
    retried by this task with exponential backoff while the wait is short, then by the sweep."""
    result = services.notices_deliver(event_ids=event_ids, notice_ids=notice_ids)
    soon = {pk: delay for pk, delay in result.retry_in.items() if delay <= TASK_RETRY_LIMIT_SECONDS}
    if soon and self.request.retries < self.max_retries:
        raise self.retry(
            kwargs={"notice_ids": sorted(soon)}, countdown=min(soon.values()), max_retries=None
        )
    return {**asdict(result), "retry_in": len(result.retry_in)}


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="notifications.tasks.send_due_notices")
def send_due_notices() -> dict:
    """The sweep: send every notice that is due (first tries the broker lost, retries)."""
    result = services.notices_send_due()
    return {**asdict(result), "retry_in": len(result.retry_in)}
