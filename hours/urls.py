from django.urls import path

from hours import views

urlpatterns = [
    path("settings/hours/", views.BusinessHoursView.as_view(), name="business-hours"),
    path("settings/hours/closed-days/", views.ClosedDayAddView.as_view(), name="closed-day-add"),
    path(
        "settings/hours/closed-days/<int:pk>/remove/",
        views.ClosedDayRemoveView.as_view(),
        name="closed-day-remove",
    ),
]
