"""Accent- and case-insensitive matching, the same on PostgreSQL and SQLite.

`sd_norm(text)` is lower(unaccent(text)): on PostgreSQL an IMMUTABLE SQL function over the
`unaccent` extension (migration sellerdesk 0002), so that trigram GIN indexes on
`sd_norm(column)` exist and the planner uses them for `sd_norm(column) LIKE sd_norm('%rocio%')`;
on SQLite (the embedded default) a Python function registered on every connection. "Rocio"
finds "Rocío", "alvaro" finds "Álvaro", "donde" finds "¿Dónde está mi pedido?".
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Lookup, Q, TextField
from django.dispatch import receiver

NORMALIZE_FUNCTION = "sd_norm"


def normalize(text: str | None) -> str | None:
    """lower(unaccent(text)) in Python: accents and other combining marks dropped."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@receiver(connection_created)
def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(NORMALIZE_FUNCTION, 1, normalize, deterministic=True)


class Normalized(Func):
    function = NORMALIZE_FUNCTION
    output_field = TextField()


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@CharField.register_lookup
@TextField.register_lookup
class NormalizedContains(Lookup):
    """`field__normcontains="rocio"`: sd_norm(field) LIKE sd_norm('%rocio%'). The pattern is
    normalised by the database itself (the same function as the index), so both sides agree."""

    lookup_name = "normcontains"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = f"%{like_escape(str(self.rhs))}%"
        sql = f"{NORMALIZE_FUNCTION}({lhs}) LIKE {NORMALIZE_FUNCTION}(%s) ESCAPE '\\'"
        return sql, [*lhs_params, pattern]


def normalized_contains(field_name: str, value: str) -> Q:
    return Q(**{f"{field_name}__normcontains": value})
