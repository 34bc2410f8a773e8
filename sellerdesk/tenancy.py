"""Tenancy: the one place where a seller's reach is limited to their own shop.

Every model a seller can reach has a `shop` foreign key and a manager built on
`ShopScopedQuerySet`; selectors start from `Model.objects.for_shop(shop)`; seller views get the
shop only from `request.user.shop` through `SellerRequired` (pages) or `IsSeller` (API).
Another shop's object therefore never matches and is a 404, never a 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class _AllShops:
    """The operator's scope: every shop. Passed explicitly, never defaulted to."""

    def __repr__(self):
        return "ALL_SHOPS"


ALL_SHOPS = _AllShops()


class ShopScopedQuerySet(models.QuerySet):
    def for_shop(self, shop):
        """Rows of one shop; ALL_SHOPS for operators; None (no shop, e.g. schema generation) matches nothing."""
        if shop is ALL_SHOPS:
            return self.all()
        if shop is None:
            return self.none()
        return self.filter(shop=shop)


class IsSeller(permissions.BasePermission):
    """A user who belongs to a shop. Operators use the operator endpoints instead."""

    message = _("This endpoint is for sellers; operators use /api/v1/operator/.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.shop_id is not None)


class IsOperator(permissions.BasePermission):
    message = _("Operator (staff) access only.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


class SellerScopedAPI:
    """Mixin for seller API views: `self.shop` is the caller's shop, and only that."""

    permission_classes = [IsSeller]

    @property
    def shop(self):
        if getattr(self, "swagger_fake_view", False):
            return None  # drf-spectacular builds the schema without a user
        return self.request.user.shop


class SellerRequired(LoginRequiredMixin):
    """Mixin for seller pages. Operators are sent to the admin, where they work."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.shop_id is None:
            if user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def shop(self):
        return self.request.user.shop
