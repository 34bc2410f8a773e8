from django.urls import path

from notifications import api

urlpatterns = [
    path("webhooks/", api.WebhookEndpointListApi.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", api.WebhookEndpointDetailApi.as_view(), name="api-webhook-detail"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        api.WebhookEndpointRotateSecretApi.as_view(),
        name="api-webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:pk>/active/",
        api.WebhookEndpointActiveApi.as_view(),
        name="api-webhook-active",
    ),
    path(
        "webhooks/<int:pk>/deliveries/",
        api.WebhookDeliveryListApi.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/resend/",
        api.WebhookDeliveryResendApi.as_view(),
        name="api-webhook-delivery-resend",
    ),
]
