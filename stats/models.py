"""Statistics keep one table of their own: per shop and per local day, additive counters.

`QualityOverview` is a proxy of Shop that only gives the operator's overview its place (and
its permission) in the admin; its changelist is replaced by the overview page.

`ShopDay` holds, for each shop and each day in the shop's timezone, the counters the quality
statistics add up: written by the services in the same transaction as the change they count
(`stats.rollup.shop_day_add`), so the dashboard reads at most a few hundred rows whatever the
shop's size. Each fact is filed under the day its period rule looks at: a shipped order under
its shipping day (and so are "had an incident" and "had a refund", the cohort rates), a reply
wait under the day it started, an incident under the day it opened or closed, a refund under the
day it was created (and its currency: amounts of different currencies never add up; every
other counter is filed under the currency "").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class QualityOverview(Shop):
    class Meta:
        proxy = True
        verbose_name = _("quality overview")
        verbose_name_plural = _("quality overview")


class ShopDay(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE)
    day = models.DateField(_("day"))
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    orders_shipped = models.IntegerField(default=0)
    # Of the orders shipped that day: how many have (had) an incident, a refund not refused.
    orders_with_incident = models.IntegerField(default=0)
    orders_refunded = models.IntegerField(default=0)
    # Waits that started that day and the shop answered: how many, within the deadline, and
    # the sum of their delays (the average is sum / count; the median reads the waits).
    waits_answered = models.IntegerField(default=0)
    waits_answered_within = models.IntegerField(default=0)
    reply_delay_microseconds = models.BigIntegerField(default=0)
    incidents_opened = models.IntegerField(default=0)
    incidents_closed = models.IntegerField(default=0)
    refunds_count = models.IntegerField(default=0)
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("shop day")
        verbose_name_plural = _("shop days")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "day", "currency"], name="shop_day_unique_per_currency"
            )
        ]

    def __str__(self):
        return f"{self.shop_id} · {self.day}"


COUNTERS = (
    "orders_shipped",
    "orders_with_incident",
    "orders_refunded",
    "waits_answered",
    "waits_answered_within",
    "reply_delay_microseconds",
    "incidents_opened",
    "incidents_closed",
    "refunds_count",
    "refunded_amount",
)
