from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_calendar(sender, instance, **kwargs):
    from hours.selectors import calendar_cache_forget

    calendar_cache_forget(instance.shop_id)


class HoursConfig(AppConfig):
    name = "hours"
    verbose_name = _("Business hours")

    def ready(self):
        # Any change of a shop's hours (services, admin, tests' factories) drops its cached
        # calendar (hours.selectors.shop_calendar_cached). bulk_create sends no signal: the
        # service that uses it saves the settings row in the same transaction.
        from hours.models import ClosedDay, OpeningPeriod, ShopCalendarSettings

        for model in (ClosedDay, OpeningPeriod, ShopCalendarSettings):
            post_save.connect(_forget_calendar, sender=model, dispatch_uid=f"calendar-{model}")
            post_delete.connect(_forget_calendar, sender=model, dispatch_uid=f"cal-d-{model}")
