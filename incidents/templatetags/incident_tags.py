"""How long an incident has waited for the shop, as the pages show it ("waiting 26 h")."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import IncidentState

register = template.Library()


@register.filter
def waiting_label(incident) -> str:
    """Who the incident waits for, and for how long; empty once it is closed."""
    if incident.state == IncidentState.RESOLVED:
        return _("waiting for the operator")
    if incident.state == IncidentState.CLOSED or incident.waiting_since is None:
        return ""
    seconds = max(0, (timezone.now() - incident.waiting_since).total_seconds())
    if seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("waiting %(count)d min", "waiting %(count)d min", minutes) % {
            "count": minutes
        }
    hours = int(seconds // 3600)
    return ngettext("waiting %(count)d h", "waiting %(count)d h", hours) % {"count": hours}


@register.filter
def waiting_level(incident) -> str:
    """A badge class: `bad` past the reminder delay, `warn` past half of it."""
    if incident.state != IncidentState.OPEN or incident.waiting_since is None:
        return ""
    hours = (timezone.now() - incident.waiting_since).total_seconds() / 3600
    if hours >= settings.INCIDENT_REMINDER_HOURS:
        return "bad"
    if hours >= settings.INCIDENT_REMINDER_HOURS / 2:
        return "warn"
    return ""


@register.filter
def side_label(side: str) -> str:
    """An event's side in the reader's words, never the stored code ("operator")."""
    return {
        "shop": _("the shop"),
        "customer": _("the customer"),
        "operator": _("the operator"),
        "system": _("SellerDesk"),
    }.get(side, side)
