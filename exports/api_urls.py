from django.urls import path

from exports.views import ListExportApi

urlpatterns = [
    path(
        "threads/export.<str:file_format>",
        ListExportApi.as_view(name="threads"),
        name="api-thread-export",
    ),
    path(
        "incidents/export.<str:file_format>",
        ListExportApi.as_view(name="incidents"),
        name="api-incident-export",
    ),
    path(
        "refunds/export.<str:file_format>",
        ListExportApi.as_view(name="refunds"),
        name="api-refund-export",
    ),
]
