"""The customer-name and order-number filters match without accents or case (sd_norm, see
sellerdesk.search): trigram GIN indexes on sd_norm(column) replace the UPPER(column) ones of
0003, which no query uses any more. PostgreSQL only."""

from django.db import migrations

INDEXES = {
    "order_customer_norm_trgm": "orders_order USING gin (sd_norm(customer_name::text) gin_trgm_ops)",
    "order_reference_norm_trgm": "orders_order USING gin (sd_norm(reference::text) gin_trgm_ops)",
}
REPLACED = {
    "order_customer_trgm": "orders_order USING gin (UPPER(customer_name::text) gin_trgm_ops)",
    "order_reference_trgm": "orders_order USING gin (UPPER(reference::text) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in REPLACED.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_order_event_tracking_updated"),
        ("sellerdesk", "0002_search_functions"),
    ]

    operations = [migrations.RunPython(create, drop)]
