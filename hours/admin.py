"""The operator sees every shop's hours and approves the out-of-office wording shops write."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hours import services
from hours.models import ClosedDay, OpeningPeriod, ShopCalendarSettings


@admin.register(ShopCalendarSettings)
class ShopCalendarSettingsAdmin(admin.ModelAdmin):
    list_display = ["shop", "country", "subdivision", "out_of_office", "approved"]
    list_filter = ["out_of_office", ("out_of_office_approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["shop__name", "shop__code"]
    readonly_fields = ["out_of_office_approved_at", "out_of_office_approved_by"]
    actions = ["approve_out_of_office"]

    @admin.display(description=_("wording approved"), boolean=True)
    def approved(self, row):
        return row.out_of_office_approved_at is not None

    @admin.action(description=_("Approve the out-of-office wording"))
    def approve_out_of_office(self, request, queryset):
        count = services.out_of_office_approve(queryset=queryset, acting_user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d wording approved.", "%(count)d wordings approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OpeningPeriod)
class OpeningPeriodAdmin(admin.ModelAdmin):
    list_display = ["shop", "weekday", "opens", "closes"]
    list_filter = ["weekday"]
    search_fields = ["shop__name", "shop__code"]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["shop", "day", "note"]
    date_hierarchy = "day"
    search_fields = ["shop__name", "shop__code", "note"]
