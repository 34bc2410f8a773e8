"""Deadline badges: "due in 5 h", "overdue by 3 h", in the active language."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 72:
        return ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def deadline_text(thread, now=None) -> str:
    now = now or timezone.now()
    status = getattr(thread, "deadline_status", None)
    if thread.reply_due_at is None or status in (None, "none"):
        return ""
    if status == "overdue":
        return _("overdue by %(duration)s") % {"duration": _duration(now - thread.reply_due_at)}
    return _("due in %(duration)s") % {"duration": _duration(thread.reply_due_at - now)}


@register.inclusion_tag("messaging/includes/deadline_badge.html")
def deadline_badge(thread, now=None):
    return {
        "status": getattr(thread, "deadline_status", "none"),
        "text": deadline_text(thread, now),
        "due_at": thread.reply_due_at,
    }


@register.filter
def last_message_id(thread_messages) -> int:
    """The id the page's polling asks for messages after (0 for an empty conversation)."""
    return thread_messages[-1].pk if thread_messages else 0
