from django.urls import path

from orders import views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/<str:action>/", views.OrderActionView.as_view(), name="order-action"),
]
