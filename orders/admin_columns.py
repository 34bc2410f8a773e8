"""Columns the admin's timelines share: labels in the operator's language, never raw codes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from orders.models import ACTOR_SIDE_LABELS


class TimelineColumns:
    """For the order and incident timeline inlines: who, from/to state, and the details in the
    operator's language (events store data, see orders.events)."""

    @admin.display(description=gettext_lazy("side"))
    def side(self, event):
        return ACTOR_SIDE_LABELS.get(event.actor_side, event.actor_side)

    @admin.display(description=gettext_lazy("from"))
    def from_state_label(self, event):
        return event.get_from_state_display() if event.from_state else "—"

    @admin.display(description=gettext_lazy("to"))
    def to_state_label(self, event):
        return event.get_to_state_display() if event.to_state else "—"

    @admin.display(description=gettext_lazy("details"))
    def details(self, event):
        return event.summary
