"""Reads of reply templates, scoped: a shop sees its own and the marketplace-wide ones."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Value, When
from django.utils.translation import get_language

from replies.models import ReplyTemplate, ReplyTemplateAttachment
from sellerdesk.search import normalized_contains


def templates_usable(*, shop):
    return ReplyTemplate.objects.usable_by(shop).prefetch_related(
        "reasons", Prefetch("attachments", queryset=ReplyTemplateAttachment.objects.order_by("id"))
    )


def templates_own(*, shop):
    """What the shop may change: its own templates only (another's, or the marketplace's, 404)."""
    return ReplyTemplate.objects.for_shop(shop)


def templates_for_thread(*, shop, thread, query: str = "", language: str | None = None):
    """Templates to offer in a thread's reply box: those suggested for its reason first, then
    those in the reader's language, then the rest by name; `query` searches name and text
    (accents and case ignored)."""
    language = (language or get_language() or "es")[:2]
    queryset = templates_usable(shop=shop)
    query = (query or "").strip()
    if query:
        queryset = queryset.filter(
            normalized_contains("name", query) | normalized_contains("body", query)
        )
    return queryset.annotate(
        suggested=Exists(
            ReplyTemplate.reasons.through.objects.filter(
                replytemplate_id=OuterRef("pk"), reason_id=thread.reason_id
            )
        ),
        other_language=Case(
            When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("-suggested", "other_language", "name", "id")
