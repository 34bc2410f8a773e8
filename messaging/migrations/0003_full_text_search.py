"""Search over subjects and message bodies (PostgreSQL; SQLite falls back to sd_norm matching).

- Text search configurations sd_spanish and sd_english: Spanish and English stemming after
  unaccent, so "envio" and "envío", "Dónde" and "donde" meet.
- sd_search_vector(text) / sd_search_query(text): both languages at once (a message may be in
  either), IMMUTABLE so GIN expression indexes hold the vectors.
- sd_headline(doc, query): the passage that matched, words between ⟦ and ⟧ (the page escapes the
  text and turns them into <mark>).
- Trigram GIN index on sd_norm(subject) for the accent- and case-insensitive subject filter.
"""

from django.db import migrations

FORWARD = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.sd_spanish",
    "CREATE TEXT SEARCH CONFIGURATION public.sd_spanish (COPY = pg_catalog.spanish)",
    """ALTER TEXT SEARCH CONFIGURATION public.sd_spanish
       ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, spanish_stem""",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.sd_english",
    "CREATE TEXT SEARCH CONFIGURATION public.sd_english (COPY = pg_catalog.english)",
    """ALTER TEXT SEARCH CONFIGURATION public.sd_english
       ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem""",
    """
    CREATE OR REPLACE FUNCTION sd_search_vector(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT to_tsvector('public.sd_spanish'::regconfig, $1)
              || to_tsvector('public.sd_english'::regconfig, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION sd_search_query(text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT websearch_to_tsquery('public.sd_spanish'::regconfig, $1)
              || websearch_to_tsquery('public.sd_english'::regconfig, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION sd_headline(doc text, query text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
      SELECT CASE WHEN position('⟦' IN spanish) > 0 THEN spanish ELSE english END
      FROM (SELECT
        ts_headline('public.sd_spanish'::regconfig, doc, sd_search_query(query),
                    'StartSel=⟦, StopSel=⟧, MaxWords=30, MinWords=12, MaxFragments=2') AS spanish,
        ts_headline('public.sd_english'::regconfig, doc, sd_search_query(query),
                    'StartSel=⟦, StopSel=⟧, MaxWords=30, MinWords=12, MaxFragments=2') AS english
      ) AS headlines
    $$
    """,
    "CREATE INDEX IF NOT EXISTS message_body_search ON messaging_message "
    "USING gin (sd_search_vector(body))",
    "CREATE INDEX IF NOT EXISTS thread_subject_search ON messaging_thread "
    "USING gin (sd_search_vector(subject::text))",
    "CREATE INDEX IF NOT EXISTS thread_subject_norm_trgm ON messaging_thread "
    "USING gin (sd_norm(subject::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS thread_subject_norm_trgm",
    "DROP INDEX IF EXISTS thread_subject_search",
    "DROP INDEX IF EXISTS message_body_search",
    "DROP FUNCTION IF EXISTS sd_headline(text, text)",
    "DROP FUNCTION IF EXISTS sd_search_query(text)",
    "DROP FUNCTION IF EXISTS sd_search_vector(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.sd_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.sd_spanish",
]


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
    dependencies = [("messaging", "0002_seed_reasons"), ("sellerdesk", "0002_search_functions")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
