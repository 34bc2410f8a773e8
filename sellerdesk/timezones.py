"""Whose clock a page runs on: the shop's for its sellers, the operator's own in the admin.

Every calendar day a reader types or sees (day filters, "from 1 March", dashboard periods,
badges, emails) is a day in that timezone, never the server's. The middleware activates it for
the request; `day_start` turns a typed day into the moment it began there.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


def marketplace_timezone() -> zoneinfo.ZoneInfo:
    """The operators' default clock (`OPERATOR_TIME_ZONE`, the marketplace's)."""
    return zoneinfo.ZoneInfo(settings.OPERATOR_TIME_ZONE)


def viewer_timezone(user) -> zoneinfo.ZoneInfo:
    """The shop's timezone for a seller; an operator's own setting, else the marketplace's."""
    if user is None or not user.is_authenticated:
        return marketplace_timezone()
    if user.shop_id is not None:
        return user.shop.tzinfo
    return zoneinfo.ZoneInfo(user.timezone) if user.timezone else marketplace_timezone()


def activate_viewer_timezone(user) -> None:
    timezone.activate(viewer_timezone(user))


def day_start(day: date, tz=None) -> datetime:
    """The moment `day` began in `tz` (default: the active timezone, the viewer's)."""
    return datetime.combine(day, time.min, tzinfo=tz or timezone.get_current_timezone())


def day_end(day: date, tz=None) -> datetime:
    """The moment `day` ended in `tz`: the start of the next day (an exclusive bound)."""
    return day_start(day + timedelta(days=1), tz)
