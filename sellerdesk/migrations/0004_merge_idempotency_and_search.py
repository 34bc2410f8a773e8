"""Joins the idempotency records' migrations and the search functions', written side by side."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sellerdesk", "0003_idempotency_unique_per_scope"),
        ("sellerdesk", "0002_search_functions"),
    ]

    operations = []
