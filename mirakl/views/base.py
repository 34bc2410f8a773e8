"""What every Mirakl-compatible view shares: keys, the shop it acts for, parsers, errors, locale.

Tenancy is SellerDesk's (`sellerdesk.tenancy`): `self.shop` is the caller's shop, or, for an
operator's key, the shop named by `shop_id`; every read starts from `for_shop(self.shop)`, so
another shop's object is a 404. Throttling is /api/v1/'s (the project's default throttles).
"""

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from mirakl.authentication import MiraklKeyAuthentication
from mirakl.errors import MiraklError, mirakl_exception_handler
from mirakl.formats import int_id, language_of_locale, query_params
from mirakl.parsers import AnyAsJSONParser, MiraklJSONParser
from shops.models import Shop


class IsShopOrOperator(permissions.BasePermission):
    """A seller (acting for their shop) or an operator (acting for the shop of `shop_id`)."""

    message = "This API is for a shop's key, or an operator's key naming the shop (shop_id)."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.shop_id is not None or user.is_staff))


def shop_for(request) -> Shop:
    """The shop a call acts for. A seller's own shop (naming another one with shop_id is a 404,
    as any other shop's object); an operator must name one. Raises SHOP_ID_REQUIRED, 404."""
    raw = request.query_params.get("shop_id")
    user = request.user
    if raw in (None, ""):
        if user.shop_id is not None:
            return user.shop
        raise MiraklError(
            _("An operator's key must name the shop with the shop_id parameter."),
            code="SHOP_ID_REQUIRED",
            fields={"shop_id": [_("This parameter is required with an operator's key.")]},
        )
    shop_pk = int_id(raw)
    if shop_pk is None:
        raise MiraklError(
            _("shop_id is a shop's number."),
            code="VALIDATION_ERROR",
            fields={"shop_id": [_("A whole number is required.")]},
        )
    if user.shop_id is not None:
        if shop_pk != user.shop_id:
            raise NotFound()
        return user.shop
    shop = Shop.objects.filter(pk=shop_pk).first()
    if shop is None:
        raise NotFound()
    return shop


class MiraklView(APIView):
    authentication_classes = [MiraklKeyAuthentication]
    permission_classes = [IsShopOrOperator]
    parser_classes = [MiraklJSONParser, MultiPartParser, FormParser, AnyAsJSONParser]
    renderer_classes = [JSONRenderer]
    schema = None  # Mirakl's own spec documents these calls, not SellerDesk's /api/schema/
    # SellerDesk error codes → the code Mirakl documents for the same refusal, per view.
    mirakl_error_codes: dict[str, str] = {}

    def get_exception_handler(self):
        return mirakl_exception_handler

    def dispatch(self, request, *args, **kwargs):
        # Mirakl's `locale` parameter sets the language of labels (reasons, states, messages).
        self.locale_error = None
        try:
            language = language_of_locale(request.GET.get("locale"))
        except MiraklError as error:
            language, self.locale_error = None, error
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = language
            return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.locale_error is not None:
            raise self.locale_error
        self.shop = shop_for(request)

    def query(self, serializer_class) -> dict:
        """The query string validated by an input serializer (400 VALIDATION_ERROR otherwise)."""
        serializer = serializer_class(data=query_params(self.request))
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def body(self, serializer_class) -> dict:
        data = self.request.data
        if not isinstance(data, dict):
            raise serializers.ValidationError({"": [_("The body must be a JSON object.")]})
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
