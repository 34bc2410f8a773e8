from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Quality statistics")

    def ready(self):
        from django.db.backends.signals import connection_created

        from stats.aggregates import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="stats-sqlite-median")

        from orders.extensions import register_order_shipped

        register_order_shipped(_count_shipment)

        from django.db.models.signals import post_save, pre_save

        from shops.models import Shop

        pre_save.connect(_note_timezone_change, sender=Shop, dispatch_uid="stats-shop-tz-pre")
        post_save.connect(_refile_days, sender=Shop, dispatch_uid="stats-shop-tz-post")


def _count_shipment(order) -> None:
    from stats.rollup import shop_day_add

    shop_day_add(shop_id=order.shop_id, at=order.shipped_at, orders_shipped=1)


def _note_timezone_change(sender, instance, **kwargs) -> None:
    # A shop's days are counted in its timezone: a new timezone moves every fact to another day.
    if instance.pk is None:
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("timezone", flat=True).first()
    instance._stats_timezone_changed = previous is not None and previous != instance.timezone


def _refile_days(sender, instance, created, **kwargs) -> None:
    if getattr(instance, "_stats_timezone_changed", False):
        from stats.rebuild import rollup_rebuild

        # In the save's transaction: the per-day counters move with the timezone or not at all.
        rollup_rebuild([instance.pk])
        instance._stats_timezone_changed = False
