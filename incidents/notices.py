"""What an incident tells, and to whom. "Incidents must be answered immediately": the shop hears
of an incident as soon as it opens or is reopened, and is reminded; the operator hears as soon
as the shop marks one resolved; the shop hears when it is closed. The webhooks subscribed get
each change with the incident in the API's shape. Written by `incidents.services` in the
transaction of the change, delivered after commit by the outbox."""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from messaging.models import ReasonKind
from messaging.selectors import reason_labels_by_language
from notifications.models import WebhookEvent
from notifications.services import (
    Event,
    notices_emit,
    notified_users_prefetch,
    operator_recipient,
    shop_recipient,
)

OPENED = WebhookEvent.INCIDENT_OPENED.value
RESOLVED = WebhookEvent.INCIDENT_RESOLVED.value
CLOSED = WebhookEvent.INCIDENT_CLOSED.value
REOPENED = WebhookEvent.INCIDENT_REOPENED.value
REMINDER = "incident.reminder"


def incident_api_shape(incident_id: int, *, language: str) -> dict:
    """The incident as `GET /api/v1/incidents/{id}/` shows it (labels in the shop's language)."""
    from incidents.api import IncidentDetailOutput
    from incidents.selectors import incident_detail_queryset
    from sellerdesk.tenancy import ALL_SHOPS

    with translation.override(language):
        incident = incident_detail_queryset(shop=ALL_SHOPS).get(pk=incident_id)
        return dict(IncidentDetailOutput(incident).data)


def _params(incident, order, **extra) -> dict:
    return {
        "incident_id": incident.pk,
        "order_id": order.pk,
        "reference": order.reference,
        "state": incident.state,
        "opened_by": incident.opened_by,
        "reason_labels": reason_labels_by_language(
            kind=ReasonKind.INCIDENT_OPEN, code=incident.reason
        ),
        "description": incident.description,
        "line_title": incident.order_line.title if incident.order_line_id else "",
        "incident_path": reverse("incident-detail", args=[incident.pk]),
        "order_path": reverse("order-detail", args=[order.pk]),
        **extra,
    }


def _resolution_labels(incident) -> dict:
    if not incident.resolution_reason:
        return {}
    return reason_labels_by_language(
        kind=ReasonKind.INCIDENT_CLOSE, code=incident.resolution_reason
    )


def incident_notices_emit(*, incident, order, event: str, event_row, message: str = "", **extra):
    """Write the notices of one incident change; `event_row` (its IncidentEvent) makes the key,
    so the same change never notifies twice and each reopening notifies once."""
    shop = order.shop
    if event == RESOLVED:
        recipients = [operator_recipient()]
        extra.update(
            shop_name=shop.name,
            shop_code=shop.code,
            actor=event_row.actor.get_username() if event_row.actor_id else "",
            admin_path=reverse("admin:incidents_incident_change", args=[incident.pk]),
        )
    else:
        recipients = [shop_recipient(shop)]
    notices_emit(
        [
            Event(
                type=event,
                key=f"{event}:{incident.pk}:{event_row.pk}",
                shop=shop,
                about=incident,
                recipients=recipients,
                params=_params(
                    incident,
                    order,
                    message=message,
                    resolution_labels=_resolution_labels(incident),
                    hours=settings.INCIDENT_REMINDER_HOURS,
                    **extra,
                ),
                webhook=lambda: incident_api_shape(incident.pk, language=shop.language),
            )
        ]
    )


def incidents_reminder_emit(*, incident_ids: list[int], now: datetime) -> None:
    """One reminder per shop listing its incidents that wait too long (four queries in all)."""
    from incidents.models import Incident
    from messaging.models import Reason

    incidents = (
        Incident.objects.filter(pk__in=incident_ids)
        .select_related("order", "shop")
        .prefetch_related(notified_users_prefetch("shop__users"))
        .order_by("shop_id", "waiting_since", "id")
    )
    by_code = {
        code: {"es": label_es, "en": label_en}
        for code, label_es, label_en in Reason.objects.filter(
            kind=ReasonKind.INCIDENT_OPEN
        ).values_list("code", "label_es", "label_en")
    }
    by_shop = defaultdict(list)
    for incident in incidents:
        by_shop[incident.shop_id].append(incident)
    events = []
    for shop_incidents in by_shop.values():
        shop = shop_incidents[0].shop
        events.append(
            Event(
                type=REMINDER,
                key=f"{REMINDER}:{shop.pk}:{now.isoformat()}",
                shop=shop,
                recipients=[shop_recipient(shop)],
                params={
                    "hours": settings.INCIDENT_REMINDER_HOURS,
                    "list_path": reverse("incident-list"),
                    "incidents": [
                        {
                            "id": incident.pk,
                            "reference": incident.order.reference,
                            "waiting_hours": int(
                                (now - incident.waiting_since).total_seconds() // 3600
                            ),
                            "reason_labels": by_code.get(
                                incident.reason, {"es": incident.reason, "en": incident.reason}
                            ),
                            "path": reverse("incident-detail", args=[incident.pk]),
                        }
                        for incident in shop_incidents
                    ],
                },
            )
        )
    notices_emit(events)
