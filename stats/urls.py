from django.urls import path

from stats import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
