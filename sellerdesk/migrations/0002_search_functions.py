"""sd_norm(text) = lower(unaccent(text)), IMMUTABLE so expression indexes can use it, and the
extensions it and the trigram indexes need (PostgreSQL only: SQLite registers sd_norm in Python,
see sellerdesk.search)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() itself is only STABLE (its dictionary could change); naming the dictionary
    # makes the result depend on the argument alone, which is what IMMUTABLE promises.
    """
    CREATE OR REPLACE FUNCTION sd_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION sd_norm(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.sd_unaccent($1)) $$
    """,
]
BACKWARD = ["DROP FUNCTION IF EXISTS sd_norm(text)", "DROP FUNCTION IF EXISTS sd_unaccent(text)"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("sellerdesk", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
