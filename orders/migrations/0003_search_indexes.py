"""Trigram indexes for the "contains" filters (customer name, order number) on PostgreSQL.

Django's icontains is `UPPER(col::text) LIKE UPPER('%x%')`, which no b-tree can serve; a GIN
trigram index on the same expression can. SQLite (the embedded demo database) skips this.
"""

from django.db import migrations

INDEXES = {
    "order_customer_trgm": "orders_order USING gin (UPPER(customer_name::text) gin_trgm_ops)",
    "order_reference_trgm": "orders_order USING gin (UPPER(reference::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_initial")]

    operations = [migrations.RunPython(create, drop)]
