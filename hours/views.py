"""The seller's business hours page: weekly hours, holidays, closed days, out of office."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from hours import selectors, services
from hours.forms import BusinessHoursForm, ClosedDayForm
from hours.models import ClosedDay, OpeningPeriod
from messaging.views import _form_errors_from
from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired

UPCOMING_DAYS = 120


def _initial(shop) -> dict:
    row = selectors.calendar_settings(shop=shop)
    initial = {
        "country": row.country,
        "subdivision": row.subdivision,
        "out_of_office": row.out_of_office,
        "out_of_office_es": row.out_of_office_es,
        "out_of_office_en": row.out_of_office_en,
    }
    slots: dict[int, int] = {}
    for period in OpeningPeriod.objects.for_shop(shop).order_by("weekday", "opens"):
        slot = slots[period.weekday] = slots.get(period.weekday, 0) + 1
        if slot <= 2:
            initial[f"d{period.weekday}_{slot}_opens"] = period.opens
            initial[f"d{period.weekday}_{slot}_closes"] = period.closes
    return initial


def _upcoming_closed(shop, calendar) -> list[tuple]:
    """The public holidays and own closed days of the next months, to check at a glance."""
    today = timezone.localtime(timezone.now(), shop.tzinfo).date()
    own = {
        item.day: item
        for item in ClosedDay.objects.for_shop(shop).filter(day__gte=today).order_by("day")
    }
    days = []
    for offset in range(UPCOMING_DAYS):
        day = today + timedelta(days=offset)
        name = calendar.holiday_name(day)
        if name or day in own:
            days.append((day, name or own[day].note, own.get(day)))
    return days


class BusinessHoursView(SellerRequired, View):
    def render_page(self, request, form, closed_form, status=200):
        row = selectors.calendar_settings(shop=self.shop)
        calendar = selectors.shop_calendar(shop=self.shop, settings_row=row)
        return render(
            request,
            "hours/business_hours.html",
            {
                "form": form,
                "closed_form": closed_form,
                "calendar_settings": row,
                "configured": calendar.configured,
                "upcoming": _upcoming_closed(self.shop, calendar),
                "timezone_name": self.shop.timezone,
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(
            request, BusinessHoursForm(initial=_initial(self.shop)), ClosedDayForm()
        )

    def post(self, request):
        form = BusinessHoursForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, ClosedDayForm(), status=400)
        data = form.cleaned_data
        try:
            services.business_hours_set(
                shop=self.shop,
                periods=data["periods"],
                country=data["country"],
                subdivision=data["subdivision"],
                out_of_office=data["out_of_office"],
                out_of_office_es=data["out_of_office_es"],
                out_of_office_en=data["out_of_office_en"],
            )
        except DomainError as error:
            _form_errors_from(form, error)
            return self.render_page(request, form, ClosedDayForm(), status=error.status_code)
        messages.success(request, _("Business hours saved."))
        return redirect("business-hours")


class ClosedDayAddView(BusinessHoursView):
    def post(self, request):
        closed_form = ClosedDayForm(request.POST)
        hours_form = BusinessHoursForm(initial=_initial(self.shop))
        if not closed_form.is_valid():
            return self.render_page(request, hours_form, closed_form, status=400)
        try:
            services.closed_day_add(
                shop=self.shop,
                day=closed_form.cleaned_data["day"],
                note=closed_form.cleaned_data["note"],
            )
        except DomainError as error:
            _form_errors_from(closed_form, error)
            return self.render_page(request, hours_form, closed_form, status=error.status_code)
        messages.success(request, _("Closed day added."))
        return redirect("business-hours")


class ClosedDayRemoveView(SellerRequired, View):
    def post(self, request, pk):
        services.closed_day_remove(shop=self.shop, pk=pk)
        messages.success(request, _("Closed day removed."))
        return redirect("business-hours")
