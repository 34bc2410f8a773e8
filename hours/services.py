"""Writes of the business hours and what they drive: the reply deadline when the marketplace
counts business hours, the digest warning before a closure, the out-of-office acknowledgement.

Error codes: `invalid` (field errors: country, subdivision, weekly periods), `closed_day_taken`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import holidays as holiday_calendars
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hours.models import ClosedDay, OpeningPeriod, ShopCalendarSettings
from hours.selectors import calendar_cache_forget, calendar_settings, shop_calendar
from sellerdesk.errors import DomainError

log = logging.getLogger(__name__)


# --- The shop's hours --------------------------------------------------------------------------


def _check_region(country: str, subdivision: str) -> tuple[str, str]:
    country, subdivision = (country or "").strip().upper(), (subdivision or "").strip().upper()
    supported = holiday_calendars.list_supported_countries()
    if country not in supported:
        raise DomainError(
            _("“%(code)s” is not a country code we know holidays for.") % {"code": country},
            code="invalid",
            fields={"country": [_("Give an ISO country code, e.g. ES.")]},
        )
    regions = {region.upper() for region in supported[country]}
    if subdivision and subdivision not in regions:
        raise DomainError(
            _("“%(code)s” is not a region of %(country)s.")
            % {"code": subdivision, "country": country},
            code="invalid",
            fields={
                "subdivision": [_("One of: %(regions)s.") % {"regions": ", ".join(sorted(regions))}]
            },
        )
    return country, subdivision


def business_hours_set(
    *,
    shop,
    periods: list[tuple[int, time, time]],
    country: str,
    subdivision: str = "",
    out_of_office: bool = False,
    out_of_office_es: str = "",
    out_of_office_en: str = "",
) -> ShopCalendarSettings:
    """Replace the shop's weekly hours and calendar settings. Changing the out-of-office text
    withdraws the operator's approval (the new wording waits for it)."""
    country, subdivision = _check_region(country, subdivision)
    for weekday, opens, closes in periods:
        if not (0 <= weekday <= 6) or opens >= closes:
            raise DomainError(
                _("A period must close after it opens."),
                code="invalid",
                fields={"periods": [_("Check the hours of each day.")]},
            )
    with transaction.atomic():
        row, _created = ShopCalendarSettings.objects.select_for_update().get_or_create(shop=shop)
        wording = (out_of_office_es.strip(), out_of_office_en.strip())
        if wording != (row.out_of_office_es.strip(), row.out_of_office_en.strip()):
            row.out_of_office_approved_at = None
            row.out_of_office_approved_by = None
        row.country, row.subdivision = country, subdivision
        row.out_of_office = out_of_office
        row.out_of_office_es, row.out_of_office_en = wording
        row.save()
        OpeningPeriod.objects.filter(shop=shop).delete()
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(shop=shop, weekday=weekday, opens=opens, closes=closes)
            for weekday, opens, closes in periods
        )
        calendar_cache_forget(shop.pk)  # bulk_create sends no signal
    return row


def closed_day_add(*, shop, day, note: str = "") -> ClosedDay:
    try:
        with transaction.atomic():
            return ClosedDay.objects.create(shop=shop, day=day, note=(note or "").strip()[:200])
    except IntegrityError:
        raise DomainError(
            _("This day is already closed."),
            code="closed_day_taken",
            fields={"day": [_("Already in the list.")]},
        ) from None


def closed_day_remove(*, shop, pk: int) -> None:
    ClosedDay.objects.for_shop(shop).filter(pk=pk).delete()


def out_of_office_approve(*, queryset, acting_user) -> int:
    """The operator approves the wording shops wrote (the admin action)."""
    return queryset.filter(out_of_office_approved_at__isnull=True).update(
        out_of_office_approved_at=timezone.now(), out_of_office_approved_by=acting_user
    )


# --- The reply deadline ------------------------------------------------------------------------


def reply_due_at(*, shop_id: int, since: datetime) -> datetime:
    """When a reply awaited since `since` is due: REPLY_DEADLINE_HOURS of wall clock (the
    marketplace's terms), or that many open hours of the shop when REPLY_DEADLINE_BUSINESS_HOURS
    is on (for marketplaces whose terms count business hours)."""
    hours = settings.REPLY_DEADLINE_HOURS
    if not settings.REPLY_DEADLINE_BUSINESS_HOURS:
        return since + timedelta(hours=hours)
    from shops.models import Shop

    return shop_calendar(shop=Shop.objects.get(pk=shop_id)).add_open_hours(since, hours)


# --- Before a closure: the digest warning -----------------------------------------------------

CLOSURE_WARNING = "thread.closure_warning"
MAX_THREADS_PER_EMAIL = 100


@dataclass
class ClosureWarning:
    shop_id: int
    closes_at: datetime
    reopens_at: datetime | None
    thread_ids: list[int]


def closure_warnings_send(*, now: datetime | None = None) -> list[ClosureWarning]:
    """For each shop in the last CLOSURE_WARNING_HOURS open hours before it closes: one digest
    listing the threads whose deadline falls while it is closed, written in the outbox (one per
    shop and closure: a second run writes nothing again). Three queries per shop with hours
    plus one per shop warned."""
    from messaging.models import Thread
    from notifications.models import Notice
    from notifications.services import Event, notices_emit, shop_recipient
    from shops.models import Shop

    now = now or timezone.now()
    horizon = timedelta(hours=settings.CLOSURE_WARNING_HOURS)
    warnings = []
    shops = Shop.objects.filter(
        pk__in=OpeningPeriod.objects.values("shop_id").distinct()
    ).select_related("calendar")
    for shop in shops:
        row = getattr(shop, "calendar", None) or calendar_settings(shop=shop)
        calendar = shop_calendar(shop=shop, settings_row=row)
        closes_at = calendar.current_closing(now)
        if closes_at is None or closes_at - now > horizon:
            continue
        reopens_at = calendar.next_opening(closes_at)
        due = Thread.objects.filter(
            shop=shop, reply_needed_since__isnull=False, reply_due_at__gte=closes_at
        )
        if reopens_at is not None:
            due = due.filter(reply_due_at__lt=reopens_at)
        threads = list(
            due.select_related("order").order_by("reply_due_at", "id")[: MAX_THREADS_PER_EMAIL + 1]
        )
        if not threads:
            continue
        listed = threads[:MAX_THREADS_PER_EMAIL]
        key = f"{CLOSURE_WARNING}:{shop.pk}:{closes_at.isoformat()}"
        if Notice.objects.filter(dedup_key__startswith=f"{key}|").exists():
            continue  # this closure was already warned about (the outbox's key says so)
        with transaction.atomic():
            notices_emit(
                [
                    Event(
                        type=CLOSURE_WARNING,
                        key=key,
                        shop=shop,
                        recipients=[shop_recipient(shop)],
                        params={
                            "closes_at": closes_at.isoformat(),
                            "reopens_at": reopens_at.isoformat() if reopens_at else "",
                            "threads": [
                                {
                                    "id": thread.pk,
                                    "subject": thread.subject,
                                    # An automatic subject is data, rendered in the shop's
                                    # language when the mail is written (not the import's).
                                    "subject_params": thread.subject_params,
                                    "reference": thread.order.reference if thread.order_id else "",
                                    "due_at": thread.reply_due_at.isoformat(),
                                    "path": reverse("thread-detail", args=[thread.pk]),
                                }
                                for thread in listed
                            ],
                            "more": len(threads) > len(listed),
                            "inbox_path": reverse("thread-list") + "?deadline=while_closed",
                        },
                    )
                ]
            )
        warnings.append(ClosureWarning(shop.pk, closes_at, reopens_at, [t.pk for t in listed]))
    log.info("warn_before_closures: %s shops warned", len(warnings))
    return warnings


# --- Out of office ------------------------------------------------------------------------------

OUT_OF_OFFICE = "thread.out_of_office"


def out_of_office_emit(*, thread, message) -> bool:
    """A customer wrote while the shop is closed: email the approved acknowledgement, once per
    thread and closure, in the customer's language. It is a notice, not a message of the
    thread: the reply deadline is untouched. Called in the message's transaction."""
    from notifications.services import Event, customer_recipient, notices_emit

    shop = thread.shop
    row = ShopCalendarSettings.objects.filter(shop=shop).first()
    if row is None or not row.out_of_office_active or not thread.order_id:
        return False
    order = thread.order
    text = row.out_of_office_text(order.customer_language)
    recipient = customer_recipient(email=order.customer_email, language=order.customer_language)
    if not text or recipient is None:
        return False
    calendar = shop_calendar(shop=shop, settings_row=row)
    now = timezone.now()
    if not calendar.configured or calendar.is_open(now):
        return False
    reopens_at = calendar.next_opening(now)
    notices_emit(
        [
            Event(
                type=OUT_OF_OFFICE,
                key=f"{OUT_OF_OFFICE}:{thread.pk}:{reopens_at.isoformat() if reopens_at else ''}",
                shop=shop,
                about=message,
                recipients=[recipient],
                params={
                    "text": text,
                    "customer_name": order.customer_name,
                    "subject": thread.subject,
                    "reference": order.reference,
                    "reopens_at": reopens_at.isoformat() if reopens_at else "",
                },
            )
        ]
    )
    return True
