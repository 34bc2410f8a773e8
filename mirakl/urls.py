"""The Mirakl-compatible seller API, mounted at /mirakl/: a connector's base URL is
`https://<host>/mirakl` and it calls `<base>/api/...` as on Mirakl. A trailing slash is
accepted too (some clients add one)."""

from django.urls import re_path

from mirakl import errors
from mirakl.views import account, inbox, orders, reasons

ID = r"(?P<{}>[^/]+)"


def route(pattern: str, view, name: str):
    return re_path(rf"^api/{pattern}/?$", view.as_view(), name=f"mirakl-{name}")


urlpatterns = [
    route("account", account.AccountView, "a01"),
    route("account/statistics", account.StatisticsView, "a21"),
    route("inbox/threads", inbox.ThreadListView, "m11-m14"),
    route(
        f"inbox/threads/{ID.format('attachment_id')}/download", inbox.AttachmentDownloadView, "m13"
    ),
    route(f"inbox/threads/{ID.format('thread_id')}/message", inbox.ThreadMessageView, "m12"),
    route(f"inbox/threads/{ID.format('thread_id')}", inbox.ThreadDetailView, "m10"),
    route("orders", orders.OrderListView, "or11"),
    route("orders/refund", orders.RefundView, "or28"),
    route(f"orders/{ID.format('order_id')}/accept", orders.OrderAcceptView, "or21"),
    route(f"orders/{ID.format('order_id')}/tracking", orders.OrderTrackingView, "or23"),
    route(f"orders/{ID.format('order_id')}/ship", orders.OrderShipView, "or24"),
    route(f"orders/{ID.format('order_id')}/cancel", orders.OrderCancelView, "or29"),
    route(f"orders/{ID.format('order_id')}/threads", inbox.OrderThreadView, "or43"),
    route(
        f"orders/{ID.format('order_id')}/lines/{ID.format('line')}/resolve_incident",
        orders.ResolveIncidentView,
        "or64",
    ),
    route(f"orders/{ID.format('order_id')}", orders.OrderDetailView, "or12"),
    route("reasons", reasons.ReasonListView, "re01"),
    route("reasons/incident_open", reasons.IncidentOpenReasonListView, "re11"),
    route("reasons/incident_close", reasons.IncidentCloseReasonListView, "re12"),
    route("reasons/messaging", reasons.MessagingReasonListView, "re14"),
    route(f"reasons/{ID.format('reason_type')}", reasons.ReasonTypeListView, "re02"),
    re_path(r"^(?P<path>.*)$", errors.not_found, name="mirakl-not-found"),
]
