"""Celery tasks of incidents; each one only calls a service."""

from dataclasses import asdict

from celery import shared_task

from incidents.services import incidents_remind_waiting


# The name is fixed because CELERY_BEAT_SCHEDULE refers to it.
@shared_task(name="incidents.tasks.remind_waiting_incidents")
def remind_waiting_incidents() -> dict:
    """Remind shops of incidents waiting longer than INCIDENT_REMINDER_HOURS: {"reminded", "shops"}."""
    return asdict(incidents_remind_waiting())
