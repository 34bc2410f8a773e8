from django.urls import path

from notifications import views

urlpatterns = [
    path("settings/integrations/", views.IntegrationsView.as_view(), name="integrations"),
    path(
        "settings/integrations/<int:pk>/",
        views.EndpointDetailView.as_view(),
        name="integration-endpoint",
    ),
    path(
        "settings/integrations/<int:pk>/<slug:action>/",
        views.EndpointActionView.as_view(),
        name="integration-endpoint-action",
    ),
    path(
        "settings/integrations/<int:pk>/deliveries/<int:delivery_pk>/resend/",
        views.DeliveryResendView.as_view(),
        name="integration-delivery-resend",
    ),
]
