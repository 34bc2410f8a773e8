"""Reads of the outbox and the webhook endpoints, scoped to a shop (or ALL_SHOPS)."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from notifications.models import DeliveryAttempt, Notice, NoticeState, WebhookEndpoint


def endpoint_list(*, shop):
    """A shop's endpoints (ALL_SHOPS: every endpoint, the marketplace's included), newest first."""
    return (
        WebhookEndpoint.objects.for_shop(shop).select_related("shop").order_by("-created_at", "-id")
    )


def endpoint_get(*, shop, pk) -> WebhookEndpoint:
    """One endpoint of this shop; another shop's raises WebhookEndpoint.DoesNotExist."""
    return endpoint_list(shop=shop).get(pk=pk)


def endpoint_deliveries(*, endpoint):
    """The endpoint's delivery log, newest first, each with its attempts (two queries)."""
    return (
        Notice.objects.filter(endpoint=endpoint)
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number", "id"))
        )
        .order_by("-created_at", "-id")
    )


def endpoint_delivery_get(*, endpoint, pk) -> Notice:
    return Notice.objects.get(endpoint=endpoint, pk=pk)


def subscribed_shop_ids(*, event_types) -> set | None:
    """The shops with an active endpoint subscribed to any of these events; None when the
    marketplace's own endpoint takes them from every shop. One query. For jobs that build
    webhook payloads for many objects at once, only where someone listens."""
    shop_ids = set()
    for shop_id, events in WebhookEndpoint.objects.active().values_list("shop_id", "events"):
        if set(events) & set(event_types):
            if shop_id is None:
                return None
            shop_ids.add(shop_id)
    return shop_ids


def notice_sent_at(*, about_type: str, recipient_kind: str, events) -> Subquery:
    """An annotation: when the first notice of these events to this recipient about the row
    (OuterRef("pk")) was delivered, or NULL (e.g. a refund's "customer notified at")."""
    return Subquery(
        Notice.objects.filter(
            about_type=about_type,
            about_id=OuterRef("pk"),
            recipient_kind=recipient_kind,
            event__in=list(events),
            state=NoticeState.SENT,
        )
        .order_by("sent_at")
        .values("sent_at")[:1]
    )


def failures_by_shop():
    """Per shop: notices failed, waiting for a retry and sent, for the operator (one query)."""
    return (
        Notice.objects.values("shop_id", "shop__code", "shop__name")
        .annotate(
            failed=Count("id", filter=Q(state=NoticeState.FAILED)),
            retrying=Count("id", filter=Q(state=NoticeState.PENDING, attempts__gt=0)),
            pending=Count("id", filter=Q(state__in=[NoticeState.PENDING, NoticeState.SENDING])),
            sent=Count("id", filter=Q(state=NoticeState.SENT)),
        )
        .order_by("-failed", "-retrying", "shop__name")
    )
