"""Demo business hours: every demo shop open Monday to Friday 9:00-14:00 and 16:00-19:00,
with Madrid's holidays. Idempotent (a shop that has hours keeps them)."""

from datetime import time

from django.utils.translation import gettext as _

from hours.models import OpeningPeriod
from hours.services import business_hours_set

WEEK = [
    (day, opens, closes)
    for day in range(5)
    for opens, closes in ((time(9), time(14)), (time(16), time(19)))
]


def load_demo(stdout) -> None:
    from shops.models import Shop

    configured = 0
    for shop in Shop.objects.all():
        if OpeningPeriod.objects.filter(shop=shop).exists():
            continue
        business_hours_set(shop=shop, periods=WEEK, country="ES", subdivision="MD")
        configured += 1
    stdout.write(_("Business hours: %(count)d shops configured.") % {"count": configured})
