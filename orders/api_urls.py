from django.urls import path

from orders import api

urlpatterns = [
    path("orders/", api.OrderListApi.as_view(), name="api-order-list"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<int:pk>/accept/", api.OrderAcceptApi.as_view(), name="api-order-accept"),
    path("orders/<int:pk>/refuse/", api.OrderRefuseApi.as_view(), name="api-order-refuse"),
    path("orders/<int:pk>/cancel/", api.OrderCancelApi.as_view(), name="api-order-cancel"),
    path("orders/<int:pk>/ship/", api.OrderShipApi.as_view(), name="api-order-ship"),
    path("orders/<int:pk>/events/", api.OrderEventListApi.as_view(), name="api-order-events"),
    path("operator/orders/", api.OperatorOrderListApi.as_view(), name="api-operator-order-list"),
    path(
        "operator/orders/<int:pk>/",
        api.OperatorOrderDetailApi.as_view(),
        name="api-operator-order-detail",
    ),
    path(
        "operator/orders/<int:pk>/receive/",
        api.OperatorOrderReceiveApi.as_view(),
        name="api-operator-order-receive",
    ),
]
