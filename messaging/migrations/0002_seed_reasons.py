"""Seed the default reason list (messaging/reasons.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from messaging.reasons import reasons_seed_defaults

    reasons_seed_defaults(apps.get_model("messaging", "Reason"))


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
