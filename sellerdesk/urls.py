from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sellerdesk import views

api_v1 = [
    path("", include("exports.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("incidents.api_urls")),
    path("", include("refunds.api_urls")),
    path("", include("stats.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("replies.api_urls")),
]

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include(api_v1)),
    path("mirakl/", include("mirakl.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", views.home, name="home"),
    path("", include("shops.urls")),
    path("", include("orders.urls")),
    path("", include("messaging.urls")),
    path("", include("incidents.urls")),
    path("", include("refunds.urls")),
    path("", include("stats.urls")),
    path("", include("notifications.urls")),
    path("", include("replies.urls")),
    path("", include("hours.urls")),
    path("", include("exports.urls")),
]

handler404 = "sellerdesk.views.not_found"
