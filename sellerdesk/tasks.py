"""Project-wide periodic jobs."""

import logging

from celery import shared_task

from sellerdesk.idempotency import idempotency_records_purge

log = logging.getLogger(__name__)


@shared_task
def purge_idempotency_records() -> int:
    """Delete the Idempotency-Key records older than IDEMPOTENCY_KEEP_HOURS (one DELETE)."""
    deleted = idempotency_records_purge()
    log.info("purge_idempotency_records: %s deleted", deleted)
    return deleted
