from django.contrib.auth import views as auth_views
from django.urls import path

from shops import views

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/shop/", views.ShopSettingsView.as_view(), name="shop-settings"),
    path("settings/api-keys/", views.ApiKeyListView.as_view(), name="api-keys"),
    path(
        "settings/api-keys/<int:pk>/revoke/",
        views.ApiKeyRevokeView.as_view(),
        name="api-key-revoke",
    ),
]
