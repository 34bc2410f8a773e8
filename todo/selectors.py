"""The seller's "To do" home: what needs the shop now, most urgent first.

Each entry is one small query (a count and the first few rows, on the same indexes the lists
use) and links to the list filtered on exactly what it counts, so the number on the home and
the rows behind its link never disagree. Constant query count, whatever the shop's size.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentState
from messaging.models import DeadlineStatus, Thread
from messaging.selectors import deadline_q
from orders.models import Order, OrderState
from refunds.models import Refund, RefundState

# How many rows an entry shows before "see all"; and how far back a refused refund is news.
SHOWN = 5
REFUSED_REFUNDS_DAYS = 30


@dataclass
class TodoEntry:
    key: str
    title: str
    count: int
    url: str
    urgency: str  # "bad", "warn" or "" (the badge's colour)
    rows: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


def _url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _entry(key, title, queryset, url, urgency) -> TodoEntry:
    rows = list(queryset[:SHOWN])
    count = len(rows) if len(rows) < SHOWN else queryset.order_by().count()
    return TodoEntry(key=key, title=title, count=count, url=url, urgency=urgency, rows=rows)


def todo_entries(*, shop, now: datetime | None = None) -> list[TodoEntry]:
    """The entries in order of urgency; each knows its count, first rows and filtered list."""
    now = now or timezone.now()
    threads = Thread.objects.for_shop(shop).select_related("order")
    overdue = threads.filter(deadline_q(DeadlineStatus.OVERDUE, now=now)).order_by(
        "reply_due_at", "id"
    )
    due_soon = threads.filter(deadline_q(DeadlineStatus.DUE_SOON, now=now)).order_by(
        "reply_due_at", "id"
    )
    incidents = (
        Incident.objects.for_shop(shop)
        .filter(state=IncidentState.OPEN)
        .select_related("order")
        .order_by("waiting_since", "opened_at", "id")
    )
    refused = (
        Refund.objects.for_shop(shop)
        .filter(
            state=RefundState.REFUSED,
            decided_at__gte=now - timedelta(days=REFUSED_REFUNDS_DAYS),
        )
        .select_related("order")
        .order_by("-decided_at", "-id")
    )
    orders = Order.objects.for_shop(shop)
    to_accept = orders.filter(state=OrderState.WAITING_ACCEPTANCE).order_by("created_at", "id")
    to_ship = orders.filter(state=OrderState.SHIPPING).order_by("created_at", "id")
    refused_since = timezone.localdate(now - timedelta(days=REFUSED_REFUNDS_DAYS))
    return [
        _entry(
            "threads_overdue",
            _("Overdue replies"),
            overdue,
            _url("thread-list", deadline=DeadlineStatus.OVERDUE.value),
            "bad",
        ),
        _entry(
            "threads_due_soon",
            _("Replies due soon"),
            due_soon,
            _url("thread-list", deadline=DeadlineStatus.DUE_SOON.value),
            "warn",
        ),
        _entry(
            "incidents_waiting",
            _("Incidents waiting for you"),
            incidents,
            _url("incident-list", state="open", sort="waiting_since"),
            "bad",
        ),
        _entry(
            "refunds_refused",
            _("Refunds the operator refused"),
            refused,
            _url("refund-list", state="refused", decided_after=refused_since.isoformat()),
            "warn",
        ),
        _entry(
            "orders_to_accept",
            _("Orders to accept"),
            to_accept,
            _url("order-list", state="waiting_acceptance"),
            "",
        ),
        _entry(
            "orders_to_ship",
            _("Orders to ship"),
            to_ship,
            _url("order-list", state="shipping"),
            "",
        ),
    ]


def nothing_to_do(entries: list[TodoEntry]) -> bool:
    return not any(entry.count for entry in entries)
