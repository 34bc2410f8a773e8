from django.urls import path

from stats import api

urlpatterns = [
    path("stats/", api.StatsApi.as_view(), name="api-stats"),
    path("operator/stats/", api.OperatorStatsApi.as_view(), name="api-operator-stats"),
]
