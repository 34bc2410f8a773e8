from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Quality statistics")

    def ready(self):
        from django.db.backends.signals import connection_created

        from stats.aggregates import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="stats-sqlite-median")
