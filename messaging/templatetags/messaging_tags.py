"""Deadline badges: "due in 5 h", "overdue by 3 h", in the active language."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellerdesk.formatting import format_datetime

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


@register.simple_tag
def deadline_badge(thread, now=None):
    """The badge's HTML, built here rather than by an included template: the inbox shows it on
    up to 150 rows (what messaging/includes/deadline_badge.html renders, newline included)."""
    text = deadline_text(thread, now)
    if not text:
        return mark_safe("\n")
    status = getattr(thread, "deadline_status", "none")
    # As {% blocktranslate with due=... %}: the value escaped, the translation as written.
    title = _("Reply due %(due)s") % {
        "due": conditional_escape(format_datetime(thread.reply_due_at))
    }
    return format_html(
        '<span class="badge deadline {}" data-deadline="{}" title="{}">{}</span>\n',
        status,
        status,
        mark_safe(title),
        text,
    )


@register.filter
def with_pk(url_of_zero: str, pk) -> str:
    """`{% url 'name' 0 as url_zero %}` once, then `{{ url_zero|with_pk:row.pk }}` a row: the
    URL `{% url 'name' row.pk %}` gives, without resolving the pattern again on every row."""
    head, _zero, tail = url_of_zero.rpartition("/0/")
    return f"{head}/{pk}/{tail}"


@register.filter
def last_message_id(thread_messages) -> int:
    """The id the page's polling asks for messages after (0 for an empty conversation)."""
    return thread_messages[-1].pk if thread_messages else 0
