"""Reads: a shop's calendar (three small queries, or one cache read), forecasts for the threads
of a list, and the inbox filter "goes overdue while you are closed"."""

from dataclasses import replace
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hours.calendar import ShopCalendar, closures_between, forecast_for
from hours.models import ClosedDay, OpeningPeriod, ShopCalendarSettings

# How far ahead the inbox filter looks for closures: past every deadline a thread can have.
FILTER_HORIZON = timedelta(days=21)


def calendar_settings(*, shop) -> ShopCalendarSettings:
    """The shop's settings row, unsaved defaults when it has none yet."""
    found = ShopCalendarSettings.objects.filter(shop=shop).first()
    return found or ShopCalendarSettings(shop=shop)


def shop_calendar(*, shop, settings_row: ShopCalendarSettings | None = None) -> ShopCalendar:
    row = settings_row or calendar_settings(shop=shop)
    weekly: dict[int, list] = {}
    for weekday, opens, closes in (
        OpeningPeriod.objects.for_shop(shop)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    ):
        weekly.setdefault(weekday, []).append((opens, closes))
    today = timezone.now().astimezone(shop.tzinfo).date()
    closed = set(
        ClosedDay.objects.for_shop(shop)
        .filter(day__gte=today - timedelta(days=30))
        .values_list("day", flat=True)
    )
    return ShopCalendar(
        tz=shop.tzinfo,
        weekly=weekly,
        closed_days=closed,
        country=row.country,
        subdivision=row.subdivision,
    )


# The cached calendar: every inbox request (API and page) forecasts its threads with the shop's
# calendar, three queries that change only when the shop edits its hours. The entry is dropped
# when they change (signals in hours.apps, after the commit too), and it expires after an hour in
# any case (hours written around the services, e.g. in SQL, are seen within the hour).
CALENDAR_CACHE_SECONDS = 3600


def _calendar_cache_key(shop_id: int) -> str:
    return f"hours:calendar:{shop_id}"


def shop_calendar_cached(*, shop) -> ShopCalendar:
    """shop_calendar() through the cache (one Redis read instead of three queries). The entry
    names the shop's creation time and timezone and the local day it was built for: another
    database reusing the id, a new timezone or a new day (closed days are read from 30 days
    back) build it again."""
    today = timezone.now().astimezone(shop.tzinfo).date()
    stamp = (shop.created_at.timestamp() if shop.created_at else None, shop.timezone, today)
    key = _calendar_cache_key(shop.pk)
    found = cache.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    calendar = shop_calendar(shop=shop)
    # Without the holiday tables: they are built (once per process) in the reader's language.
    cache.set(key, (stamp, replace(calendar, _holidays={})), CALENDAR_CACHE_SECONDS)
    return calendar


def calendar_cache_forget(shop_id: int) -> None:
    """The shop's hours changed: drop its cached calendar now and again after the commit (a
    request between the two would otherwise cache what the transaction is replacing)."""
    key = _calendar_cache_key(shop_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def thread_forecasts(threads, *, calendar: ShopCalendar, now: datetime | None = None) -> None:
    """Set `forecast` on each thread awaiting a reply (None when nothing is forecast)."""
    now = now or timezone.now()
    for thread in threads:
        thread.forecast = (
            forecast_for(calendar, due_at=thread.reply_due_at, now=now)
            if thread.reply_needed_since is not None and thread.reply_due_at > now
            else None
        )


def due_while_closed_q(*, calendar: ShopCalendar, now: datetime | None = None) -> Q:
    """Threads awaiting a reply, not yet overdue, whose deadline falls while the shop is closed:
    one range on reply_due_at per closure ahead (the index thread_shop_reply_due_incl serves it)."""
    now = now or timezone.now()
    closures = closures_between(calendar, now, now + FILTER_HORIZON)
    if not closures:
        return Q(pk__in=[])
    condition = Q()
    for closed_from, reopens in closures:
        condition |= Q(reply_due_at__gte=max(closed_from, now), reply_due_at__lt=reopens)
    return Q(reply_needed_since__isnull=False, reply_due_at__gt=now) & condition
