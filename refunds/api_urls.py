from django.urls import path

from refunds import api

urlpatterns = [
    path(
        "orders/<int:pk>/refunds/",
        api.OrderRefundListCreateApi.as_view(),
        name="api-order-refunds",
    ),
    path(
        "orders/<int:pk>/refunds/preview/",
        api.OrderRefundPreviewApi.as_view(),
        name="api-order-refund-preview",
    ),
    path("refunds/", api.RefundListApi.as_view(), name="api-refund-list"),
    path("refunds/<int:pk>/", api.RefundDetailApi.as_view(), name="api-refund-detail"),
    path("operator/refunds/", api.OperatorRefundListApi.as_view(), name="api-operator-refund-list"),
    path(
        "operator/refunds/<int:pk>/",
        api.OperatorRefundDetailApi.as_view(),
        name="api-operator-refund-detail",
    ),
    path(
        "operator/refunds/<int:pk>/confirm/",
        api.OperatorRefundConfirmApi.as_view(),
        name="api-operator-refund-confirm",
    ),
    path(
        "operator/refunds/<int:pk>/refuse/",
        api.OperatorRefundRefuseApi.as_view(),
        name="api-operator-refund-refuse",
    ),
]
