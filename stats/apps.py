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


def _count_shipment(order) -> None:
    from stats.rollup import shop_day_add

    shop_day_add(shop_id=order.shop_id, at=order.shipped_at, orders_shipped=1)
