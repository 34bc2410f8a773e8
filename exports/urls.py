from django.urls import path

from exports.views import ListExportView

urlpatterns = [
    path(
        "messages/export.<str:file_format>",
        ListExportView.as_view(name="threads", list_url="thread-list"),
        name="thread-export",
    ),
    path(
        "incidents/export.<str:file_format>",
        ListExportView.as_view(name="incidents", list_url="incident-list"),
        name="incident-export",
    ),
    path(
        "refunds/export.<str:file_format>",
        ListExportView.as_view(name="refunds", list_url="refund-list"),
        name="refund-export",
    ),
]
