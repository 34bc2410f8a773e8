"""Reads for incident pages and the incident API, always scoped to one shop (or ALL_SHOPS)."""

from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from incidents.models import Incident, IncidentEvent, IncidentState


def _events():
    return IncidentEvent.objects.select_related("actor").order_by("created_at", "id")


def incident_list(*, shop):
    """Incidents of one shop (ALL_SHOPS for operators), newest first, with their order."""
    return (
        Incident.objects.for_shop(shop)
        .select_related("order", "shop", "order_line")
        .order_by("-opened_at", "-id")
    )


def incident_detail_queryset(*, shop):
    """Like `incident_list`, with the history prefetched (one more query)."""
    return incident_list(shop=shop).prefetch_related(Prefetch("events", queryset=_events()))


def incident_get(*, shop, pk) -> Incident:
    """One incident of this shop with its history; another shop's raises Incident.DoesNotExist."""
    return incident_detail_queryset(shop=shop).get(pk=pk)


def order_incidents(*, order, with_events: bool = False):
    """The incidents of one order (already scoped by the order), open ones first."""
    queryset = (
        Incident.objects.filter(order=order)
        .select_related("order_line")
        .order_by("opened_at", "id")
    )
    if with_events:
        queryset = queryset.prefetch_related(Prefetch("events", queryset=_events()))
    return queryset


def waiting_hours(incident: Incident, now: datetime | None = None) -> int | None:
    """Whole hours the incident has waited for the shop; None when it waits for nobody."""
    if incident.state != IncidentState.OPEN or incident.waiting_since is None:
        return None
    now = now or timezone.now()
    return max(0, int((now - incident.waiting_since).total_seconds() // 3600))
