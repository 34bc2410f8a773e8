"""The breach forecast in words: "answer before Fri 18:00 — due Sun 14:00, while you are
closed", in the reader's language and the shop's timezone."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


def _short(moment, tz) -> str:
    return formats.date_format(timezone.localtime(moment, tz), "D H:i", use_l10n=True)


def forecast_text(forecast) -> str:
    if forecast is None or not forecast.due_while_closed:
        return ""
    due = _short(forecast.due_at, forecast.tz)
    if forecast.answer_before is None:
        text = _("due %(due)s, while you are closed") % {"due": due}
    else:
        text = _("answer before %(before)s — due %(due)s, while you are closed") % {
            "before": _short(forecast.answer_before, forecast.tz),
            "due": due,
        }
    if forecast.reopens_at is not None:
        text += " · " + _("you open again %(at)s") % {
            "at": _short(forecast.reopens_at, forecast.tz)
        }
    return text


@register.simple_tag
def forecast(thread):
    return forecast_text(getattr(thread, "forecast", None))
