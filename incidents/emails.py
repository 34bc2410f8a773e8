"""Incident emails. Called after commit (`transaction.on_commit`) with ids, so they read what
was committed. "Incidents must be answered immediately": the shop hears of an incident as soon
as it opens or is reopened, and the operator as soon as the shop marks one resolved.

A mail server failure is logged and does not undo the committed change it reports.
"""

import logging
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shops.models import User

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _users_with_email():
    return User.objects.filter(is_active=True).exclude(email="").order_by("id")


def shop_recipients(shop) -> list[str]:
    """The shop's contact email, or else its users' emails (prefetch `users` to save a query)."""
    if shop.email:
        return [shop.email]
    users = getattr(shop, "active_users", None)
    if users is None:
        users = _users_with_email().filter(shop=shop)
    return [user.email for user in users]


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    if not recipients:
        log.warning("incident email %r not sent: no recipient", subject)
        return
    body = render_to_string(template, context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        log.exception("incident email %r to %s failed", subject, recipients)


def _incident(incident_id: int):
    from incidents.models import Incident

    return Incident.objects.select_related("order", "shop", "order_line").get(pk=incident_id)


def _links(incident) -> dict:
    return {
        "incident_url": _absolute(reverse("incident-detail", args=[incident.pk])),
        "order_url": _absolute(reverse("order-detail", args=[incident.order_id])),
    }


def _to_shop(incident_id: int, subject: str, template: str, **extra) -> None:
    incident = _incident(incident_id)
    context = {"incident": incident, "order": incident.order, **_links(incident), **extra}
    _send(
        subject % {"reference": incident.order.reference, "id": incident.pk},
        template,
        context,
        shop_recipients(incident.shop),
    )


def incident_opened(*, incident_id: int) -> None:
    _to_shop(
        incident_id,
        _("New incident on order %(reference)s: please answer now"),
        "incidents/email/opened.txt",
        hours=settings.INCIDENT_REMINDER_HOURS,
    )


def incident_reopened(*, incident_id: int) -> None:
    from incidents.models import IncidentEvent, IncidentEventKind

    event = (
        IncidentEvent.objects.filter(incident_id=incident_id, kind=IncidentEventKind.REOPENED)
        .order_by("-created_at", "-id")
        .first()
    )
    _to_shop(
        incident_id,
        _("Incident #%(id)s on order %(reference)s was reopened by the operator"),
        "incidents/email/reopened.txt",
        message=event.message if event else "",
    )


def incident_closed(*, incident_id: int) -> None:
    _to_shop(
        incident_id,
        _("Incident #%(id)s on order %(reference)s is closed"),
        "incidents/email/closed.txt",
    )


def incident_resolved(*, incident_id: int) -> None:
    """To the operator: the shop marked an incident resolved; check it and close or reopen it."""
    from incidents.models import IncidentEvent, IncidentEventKind

    incident = _incident(incident_id)
    event = (
        IncidentEvent.objects.filter(incident_id=incident_id, kind=IncidentEventKind.RESOLVED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    context = {
        "incident": incident,
        "order": incident.order,
        "event": event,
        "admin_url": _absolute(reverse("admin:incidents_incident_change", args=[incident.pk])),
    }
    _send(
        _("Incident #%(id)s (%(shop)s, order %(reference)s) marked as resolved")
        % {"id": incident.pk, "shop": incident.shop.name, "reference": incident.order.reference},
        "incidents/email/resolved.txt",
        context,
        [settings.OPERATOR_EMAIL],
    )


def incidents_reminder(*, incident_ids: list[int], now: datetime) -> None:
    """One email per shop listing its incidents that wait too long. Three queries in all."""
    from incidents.models import Incident

    incidents = (
        Incident.objects.filter(pk__in=incident_ids)
        .select_related("order", "shop")
        .prefetch_related(
            Prefetch("shop__users", queryset=_users_with_email(), to_attr="active_users")
        )
        .order_by("shop_id", "waiting_since", "id")
    )
    by_shop = defaultdict(list)
    for incident in incidents:
        incident.waiting_hours = int((now - incident.waiting_since).total_seconds() // 3600)
        incident.url = _absolute(reverse("incident-detail", args=[incident.pk]))
        by_shop[incident.shop_id].append(incident)
    for shop_incidents in by_shop.values():
        shop = shop_incidents[0].shop
        _send(
            ngettext(
                "Reminder: %(count)d incident waits for your answer",
                "Reminder: %(count)d incidents wait for your answer",
                len(shop_incidents),
            )
            % {"count": len(shop_incidents)},
            "incidents/email/reminder.txt",
            {
                "shop": shop,
                "incidents": shop_incidents,
                "hours": settings.INCIDENT_REMINDER_HOURS,
                "list_url": _absolute(reverse("incident-list")),
            },
            shop_recipients(shop),
        )
