from django.urls import path

from refunds import views

urlpatterns = [
    path("refunds/", views.RefundListView.as_view(), name="refund-list"),
    path("refunds/<int:pk>/", views.RefundDetailView.as_view(), name="refund-detail"),
    # Three segments: "orders/<pk>/<action>/" belongs to the order actions.
    path(
        "orders/<int:pk>/refunds/new/",
        views.OrderRefundCreateView.as_view(),
        name="order-refund-create",
    ),
]
