from django.urls import path

from incidents import api

urlpatterns = [
    path("incidents/", api.IncidentListApi.as_view(), name="api-incident-list"),
    path("incidents/<int:pk>/", api.IncidentDetailApi.as_view(), name="api-incident-detail"),
    path(
        "incidents/<int:pk>/resolve/",
        api.IncidentResolveApi.as_view(),
        name="api-incident-resolve",
    ),
    path(
        "operator/incidents/",
        api.OperatorIncidentListApi.as_view(),
        name="api-operator-incident-list",
    ),
    path(
        "operator/incidents/<int:pk>/",
        api.OperatorIncidentDetailApi.as_view(),
        name="api-operator-incident-detail",
    ),
    path(
        "operator/orders/<int:pk>/incidents/",
        api.OperatorIncidentOpenApi.as_view(),
        name="api-operator-incident-open",
    ),
    path(
        "operator/incidents/<int:pk>/close/",
        api.OperatorIncidentCloseApi.as_view(),
        name="api-operator-incident-close",
    ),
    path(
        "operator/incidents/<int:pk>/reopen/",
        api.OperatorIncidentReopenApi.as_view(),
        name="api-operator-incident-reopen",
    ),
]
