from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sellerdesk import views
from todo.views import TodoView

api_v1 = [
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
    path("readyz/", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include(api_v1)),
    path("mirakl/", include("mirakl.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    # Its template's inline <style> moved to static/css/swagger.css.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # Any other path under /api/ is a JSON 404, with DEBUG on too (Django's debug 404 is HTML).
    re_path(r"^api/", views.api_not_found),
    path("", TodoView.as_view(), name="home"),
    path("", include("shops.urls")),
    path("", include("orders.urls")),
    path("", include("messaging.urls")),
    path("", include("incidents.urls")),
    path("", include("refunds.urls")),
    path("", include("stats.urls")),
    path("", include("notifications.urls")),
    path("", include("replies.urls")),
    path("", include("hours.urls")),
]

handler400 = "sellerdesk.views.bad_request"
handler403 = "sellerdesk.views.permission_denied"
handler404 = "sellerdesk.views.not_found"
handler500 = "sellerdesk.views.server_error"
