"""Incidents: a customer's claim (or the operator's) on a shipped order, and its history.

While an incident is not CLOSED it freezes its order's cycle (see `IncidentsConfig.ready`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incidents.reasons import close_reason_label, open_reason_label
from sellerdesk.tenancy import ShopScopedQuerySet


class IncidentState(models.TextChoices):
    OPEN = "OPEN", pgettext_lazy("incident", "Open")
    RESOLVED = "RESOLVED", pgettext_lazy("incident", "Resolved")
    CLOSED = "CLOSED", pgettext_lazy("incident", "Closed")


class IncidentOpenedBy(models.TextChoices):
    CUSTOMER = "CUSTOMER", _("Customer")
    OPERATOR = "OPERATOR", _("Operator")


class IncidentAction(models.TextChoices):
    RESOLVE = "resolve", _("Mark as resolved")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")


# The lifecycle as data: from each state, the actions allowed and the state each leads to.
# Opening is not here: it creates the incident (OPEN) rather than moving one.
TRANSITIONS: dict[str, dict[str, str]] = {
    IncidentState.OPEN: {
        IncidentAction.RESOLVE: IncidentState.RESOLVED,
        IncidentAction.CLOSE: IncidentState.CLOSED,
    },
    IncidentState.RESOLVED: {
        IncidentAction.CLOSE: IncidentState.CLOSED,
        IncidentAction.REOPEN: IncidentState.OPEN,
    },
    IncidentState.CLOSED: {},
}

# The API's spelling of the enumerations, for the OpenAPI enums.
INCIDENT_STATES_API = [state.lower() for state in IncidentState.values]
INCIDENT_OPENED_BY_API = [side.lower() for side in IncidentOpenedBy.values]


class IncidentEventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("incident", "Opened")
    RESOLVED = "resolved", _("Marked as resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", pgettext_lazy("incident", "Closed")
    REMINDED = "reminded", _("Shop reminded")
    AUTO_CLOSED_FULL_REFUND = "auto_closed_full_refund", _("Closed by a full refund")


INCIDENT_EVENT_KINDS_API = list(IncidentEventKind.values)


class IncidentQuerySet(ShopScopedQuerySet):
    def not_closed(self):
        return self.exclude(state=IncidentState.CLOSED)


class Incident(models.Model):
    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="incidents"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="incidents"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        verbose_name=_("order line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    opened_by = models.CharField(_("opened by"), max_length=16, choices=IncidentOpenedBy.choices)
    reason = models.CharField(_("reason"), max_length=64)
    description = models.TextField(_("description"))
    state = models.CharField(
        _("state"), max_length=16, choices=IncidentState.choices, default=IncidentState.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the incident last started waiting for the shop (opened or reopened); empty unless OPEN.
    waiting_since = models.DateTimeField(_("waiting for the shop since"), null=True, blank=True)
    resolution_reason = models.CharField(_("closing reason"), max_length=64, blank=True)
    # The reminder job's claim: at most one reminder per incident per INCIDENT_REMINDER_HOURS.
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Waiting for the shop means OPEN, and an OPEN incident always waits for the shop.
            models.CheckConstraint(
                condition=Q(state=IncidentState.OPEN, waiting_since__isnull=False)
                | (~Q(state=IncidentState.OPEN) & Q(waiting_since__isnull=True)),
                name="incident_waiting_since_iff_open",
            ),
            models.CheckConstraint(
                condition=~Q(state=IncidentState.CLOSED) | Q(closed_at__isnull=False),
                name="incident_closed_has_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(state=IncidentState.RESOLVED) | Q(resolved_at__isnull=False),
                name="incident_resolved_has_resolved_at",
            ),
        ]
        indexes = [
            # The seller's list and its filters: shop first, then state and date.
            models.Index(fields=["shop", "-opened_at", "-id"], name="incident_shop_opened"),
            models.Index(fields=["shop", "state", "-opened_at"], name="incident_shop_state_opened"),
            models.Index(fields=["shop", "opened_by", "-opened_at"], name="incident_shop_by"),
            # The freeze: "does this order have an incident that is not closed?"
            models.Index(fields=["order", "state"], name="incident_order_state"),
            # The reminder job only looks at OPEN incidents, by how long they have waited.
            models.Index(
                fields=["waiting_since"],
                condition=Q(state=IncidentState.OPEN),
                name="incident_open_waiting",
            ),
        ]

    def __str__(self):
        return _("incident #%(id)s (%(state)s)") % {
            "id": self.pk,
            "state": self.get_state_short_display(),
        }

    def get_state_short_display(self) -> str:
        return {
            IncidentState.OPEN: _("open"),
            IncidentState.RESOLVED: _("resolved"),
            IncidentState.CLOSED: _("closed"),
        }.get(self.state, self.state.lower())

    # The labels come from the operator's reason list. The selectors annotate them on every
    # list (`incidents.selectors.with_reason_labels`), so a page or response never looks a label
    # up per row; an incident loaded without them looks its label up (one query).
    @property
    def reason_label(self) -> str:
        if "_reason_label" not in self.__dict__:
            self._reason_label = open_reason_label(self.reason)
        return self._reason_label

    @reason_label.setter
    def reason_label(self, value: str) -> None:
        self._reason_label = value

    @property
    def resolution_reason_label(self) -> str:
        if "_resolution_reason_label" not in self.__dict__:
            self._resolution_reason_label = close_reason_label(self.resolution_reason)
        return self._resolution_reason_label

    @resolution_reason_label.setter
    def resolution_reason_label(self, value: str) -> None:
        self._resolution_reason_label = value

    def allowed_actions(self) -> list[str]:
        return list(TRANSITIONS.get(self.state, {}))


class IncidentEvent(models.Model):
    """The incident's history: who did what, when, with which message and reason."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=32, choices=IncidentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # "shop", "operator", "customer" or "system": who acted, even without a user.
    actor_side = models.CharField(_("side"), max_length=16, default="system")
    from_state = models.CharField(max_length=16, choices=IncidentState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=IncidentState.choices, blank=True)
    # What a person wrote (in their words); an automatic step stores `params` instead, rendered
    # in the reader's language by incidents.events.
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="incident_event_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def summary(self) -> str:
        """The step's text in the active language (the reader's)."""
        from incidents.events import incident_event_summary

        return incident_event_summary(self)

    @property
    def reason_label(self) -> str:
        """Annotated by `incidents.selectors` for a history; else looked up (one query)."""
        if "_reason_label" not in self.__dict__:
            label = (
                open_reason_label if self.kind == IncidentEventKind.OPENED else close_reason_label
            )
            self._reason_label = label(self.reason)
        return self._reason_label

    @reason_label.setter
    def reason_label(self, value: str) -> None:
        self._reason_label = value
