"""The ceiling: what bare Django serves from the inbox's table in the same run.

The same 50 rows as the inbox API's first page (a shop's threads, newest activity first) through
`.values()` and `JsonResponse`, without authentication, throttling, serializers or pagination
links: each endpoint's req/s is reported as a ratio to this, so the figure means the same on
any machine.
"""

from django.http import JsonResponse

from messaging.models import Thread

FIELDS = (
    "id",
    "subject",
    "order_id",
    "reason_id",
    "with_customer",
    "with_operator",
    "last_message_at",
    "last_message_author",
    "last_incoming_at",
    "shop_last_read_at",
    "reply_needed_since",
    "reply_due_at",
)


def ceiling(request):
    shop_id = int(request.GET.get("shop", "1"))
    rows = list(
        Thread.objects.filter(shop_id=shop_id)
        .order_by("-last_message_at", "-id")
        .values(*FIELDS)[:50]
    )
    return JsonResponse({"results": rows})
