"""Search over what conversations say: subjects and message bodies, customer names and order
numbers, ignoring accents and case, ranked, with the passage that matched.

PostgreSQL: full-text search in Spanish and English at once (sd_search_vector / sd_search_query,
messaging migration 0003, GIN indexes on both), ranked with ts_rank, passages from ts_headline;
subjects, customer names and order numbers also match as substrings through sd_norm under
trigram indexes (so "NORTE-100" and "Rocio" find what they should). SQLite (the embedded
default) falls back to sd_norm substring matching of every word, and a passage cut in Python.

A search is ranked, not paginated by date: the first SEARCH_LIMIT matches are shown.
"""

import re

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from messaging.models import Message
from sellerdesk.search import like_escape, normalize, normalized_contains

SEARCH_LIMIT = 50
MAX_QUERY_LENGTH = 200
MARK_START, MARK_END = "⟦", "⟧"
SNIPPET_CHARS = 160


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class Matches(Func):
    """`expression` matches the words of `query`: the full-text match (PostgreSQL) or every word
    as a normalised substring (SQLite)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        document, document_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        return (
            f"sd_search_vector({document}) @@ sd_search_query({query})",
            [*document_params, *query_params],
        )

    def as_sqlite(self, compiler, connection, **extra):
        document, document_params = compiler.compile(self.source_expressions[0])
        words = _words(self.source_expressions[1].value)
        if not words:
            return "0", []
        clauses = [f"sd_norm({document}) LIKE sd_norm(%s) ESCAPE '\\'" for _word in words]
        params = []
        for word in words:
            params += [*document_params, f"%{like_escape(word)}%"]
        return "(" + " AND ".join(clauses) + ")", params


class Rank(Func):
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        document, document_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        return (
            f"ts_rank(sd_search_vector({document}), sd_search_query({query}))",
            [*document_params, *query_params],
        )

    def as_sqlite(self, compiler, connection, **extra):
        matched, params = Matches(*self.source_expressions).as_sqlite(compiler, connection)
        return f"(CASE WHEN {matched} THEN 0.1 ELSE 0.0 END)", params


class Headline(Func):
    function = "sd_headline"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # The passage is cut in Python (snippet_html) from the whole body.
        document, params = compiler.compile(self.source_expressions[0])
        return document, params


def _words(query: str) -> list[str]:
    return [word for word in re.split(r"[\s¿?¡!.,;:\"()]+", query or "") if word]


def search_threads(queryset, query: str):
    """Threads of `queryset` whose subject, messages, customer name or order number match
    `query`, best first, annotated with `search_rank` and `search_passage`."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not _words(query):
        return queryset.none()
    text = Value(query, output_field=TextField())
    matching_messages = Message.objects.filter(thread=OuterRef("pk")).filter(
        Matches(F("body"), text)
    )
    substring = (
        normalized_contains("subject", query)
        | normalized_contains("order__customer_name", query)
        | normalized_contains("order__reference", query)
    )
    best_message = matching_messages.annotate(rank=Rank(F("body"), text)).order_by(
        "-rank", "-created_at"
    )
    return (
        queryset.filter(Q(Exists(matching_messages)) | Matches(F("subject"), text) | substring)
        .annotate(
            message_rank=Coalesce(
                Subquery(best_message.values("rank")[:1], output_field=FloatField()), 0.0
            ),
            subject_rank=Rank(F("subject"), text),
            search_passage=Subquery(
                best_message.annotate(passage=Headline(F("body"), text)).values("passage")[:1],
                output_field=TextField(),
            ),
        )
        .annotate(
            # A subject that matches weighs more than a word somewhere in a long message.
            search_rank=Greatest(F("message_rank"), F("subject_rank") * 2.0)
        )
        .order_by("-search_rank", "-last_message_at", "-id")
    )


def snippet_html(passage: str | None, query: str) -> str:
    """The passage as safe HTML with the matched words in <mark>."""
    if not passage:
        return ""
    if MARK_START not in passage and not _postgres():
        passage = _python_headline(passage, query)
    html = escape(passage).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def _python_headline(body: str, query: str) -> str:
    """SQLite's passage: the text around the first word found, the words marked."""
    flat = " ".join(body.split())
    normalized = normalize(flat)
    words = [normalize(word) for word in _words(query)]
    positions = [normalized.find(word) for word in words if normalized.find(word) >= 0]
    start = max(min(positions) - SNIPPET_CHARS // 3, 0) if positions else 0
    cut = flat[start : start + SNIPPET_CHARS]
    cut_normalized = normalize(cut)
    marks = []
    for word in words:
        for found in re.finditer(re.escape(word), cut_normalized):
            marks.append((found.start(), found.end()))
    # NFKD keeps lengths for the accented Latin letters we care about; mark from the right.
    for begin, end in sorted(marks, reverse=True):
        cut = cut[:begin] + MARK_START + cut[begin:end] + MARK_END + cut[end:]
    return ("…" if start else "") + cut + ("…" if start + SNIPPET_CHARS < len(flat) else "")
