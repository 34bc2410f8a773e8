from django.urls import include, path

from bench.ceiling import ceiling

urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("", include("sellerdesk.urls")),
]
