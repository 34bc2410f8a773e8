"""Fill the per-day statistics from the rows that existed before them.

Runs the same rebuild as `manage.py stats_rollup_rebuild` (the current models: this migration
only has work to do on the databases that existed when ShopDay was introduced).
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from stats.rebuild import rollup_rebuild

    rollup_rebuild(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_shopday"),
        ("messaging", "0004_replywait_backfill"),
        ("orders", "0004_order_event_tracking_updated"),
        ("incidents", "0001_initial"),
        ("refunds", "0003_notifications_move_to_the_outbox"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
