"""REST API for orders: the seller's endpoints and the operator's import and receipt."""

from decimal import Decimal

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import selectors, services
from orders.extensions import order_sections
from orders.filters import OrderFilter
from orders.models import SELLER_ACTIONS, OrderEvent, OrderEventKind, OrderState
from sellerdesk.api.fields import (
    MAX_STORED_AMOUNT,
    LowerChoiceField,
    StorableDateTimeField,
    money_field,
)
from sellerdesk.api.pagination import CursorPagination
from sellerdesk.api.views import get_or_404
from sellerdesk.idempotency import idempotent
from sellerdesk.tenancy import ALL_SHOPS, IsOperator, SellerScopedAPI
from shops.models import Shop

# --- Output ----------------------------------------------------------------------------------


class OrderLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = money_field()
    total_amount = money_field()
    # Without any refund these are the whole line; the refunds section replaces them.
    refundable_quantity = serializers.IntegerField(source="quantity")
    refundable_amount = money_field(source="total_amount")


class CustomerOutput(serializers.Serializer):
    name = serializers.CharField(source="customer_name")
    email = serializers.CharField(source="customer_email")
    language = serializers.CharField(source="customer_language")


class OrderListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    shop = serializers.CharField(source="shop.code")
    reference = serializers.CharField()
    state = LowerChoiceField(choices=OrderState.choices)
    customer = CustomerOutput(source="*")
    currency = serializers.CharField()
    items_amount = money_field()
    shipping_amount = money_field()
    total_amount = money_field()
    frozen = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class OrderDetailOutput(OrderListOutput):
    lines = OrderLineOutput(many=True)
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    state_reason = serializers.CharField()
    allowed_actions = serializers.SerializerMethodField()
    refunded_amount = serializers.SerializerMethodField()
    refund_deadline = serializers.SerializerMethodField()
    messages_count = serializers.SerializerMethodField()
    unread_messages_count = serializers.SerializerMethodField()
    incidents = serializers.SerializerMethodField()
    refunds = serializers.SerializerMethodField()

    def get_allowed_actions(self, order) -> list[str]:
        if order.frozen:
            return []
        user = self.context["request"].user
        actions = order.allowed_actions()
        if user.shop_id is not None:
            return [action for action in actions if action in SELLER_ACTIONS]
        return actions

    # The defaults below hold until the app that owns each field registers its order section.
    def get_refunded_amount(self, order) -> str:
        return "0.00"

    def get_refund_deadline(self, order) -> str | None:
        return None

    def get_messages_count(self, order) -> int:
        return 0

    def get_unread_messages_count(self, order) -> int:
        return 0

    def get_incidents(self, order) -> list[dict]:
        return []

    def get_refunds(self, order) -> list[dict]:
        return []

    def to_representation(self, order):
        data = super().to_representation(order)
        request = self.context["request"]
        for section in order_sections():
            if section.api_fields is not None:
                data.update(section.api_fields(order, request))
        return data


class OrderEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=OrderEventKind.choices)
    label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    actor_side = serializers.CharField()
    from_state = serializers.SerializerMethodField()
    to_state = serializers.SerializerMethodField()
    summary = serializers.CharField(help_text="What happened, in the request's language.")
    # Kept for clients written before `summary`: the same text.
    message = serializers.CharField(source="summary")
    params = serializers.JSONField(help_text="What happened, as data (ids, amounts, codes).")
    created_at = serializers.DateTimeField()

    def get_from_state(self, event) -> str | None:
        return event.from_state.lower() or None

    def get_to_state(self, event) -> str | None:
        return event.to_state.lower() or None


# --- Seller endpoints ------------------------------------------------------------------------


class OrderListApi(SellerScopedAPI, generics.ListAPIView):
    """The shop's orders, newest first, with filters."""

    serializer_class = OrderListOutput
    filterset_class = OrderFilter
    filter_backends = [*generics.ListAPIView.filter_backends, OrderingFilter]
    ordering_fields = ["created_at", "shipped_at", "total_amount"]

    def get_queryset(self):
        return selectors.order_list(shop=self.shop)


class OrderDetailApi(SellerScopedAPI, generics.RetrieveAPIView):
    serializer_class = OrderDetailOutput

    def get_queryset(self):
        return selectors.order_detail_queryset(shop=self.shop)


class _OrderActionApi(SellerScopedAPI, APIView):
    input_serializer = None

    def perform(self, order, data):
        raise NotImplementedError

    def post(self, request, pk):
        order = get_or_404(selectors.order_detail_queryset(shop=self.shop), pk=pk)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.perform(order, data)
        order = selectors.order_detail_queryset(shop=self.shop).get(pk=pk)
        return Response(OrderDetailOutput(order, context={"request": request}).data)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ShipInput(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)


@extend_schema(request=None, responses=OrderDetailOutput)
class OrderAcceptApi(_OrderActionApi):
    def perform(self, order, data):
        services.order_accept(order=order, acting_user=self.request.user)


@extend_schema(request=ReasonInput, responses=OrderDetailOutput)
class OrderRefuseApi(_OrderActionApi):
    input_serializer = ReasonInput

    def perform(self, order, data):
        services.order_refuse(order=order, acting_user=self.request.user, reason=data["reason"])


@extend_schema(request=ReasonInput, responses=OrderDetailOutput)
class OrderCancelApi(_OrderActionApi):
    input_serializer = ReasonInput

    def perform(self, order, data):
        services.order_cancel(order=order, acting_user=self.request.user, reason=data["reason"])


@extend_schema(request=ShipInput, responses=OrderDetailOutput)
class OrderShipApi(_OrderActionApi):
    input_serializer = ShipInput

    def perform(self, order, data):
        services.order_ship(order=order, acting_user=self.request.user, **data)


class OrderEventListApi(SellerScopedAPI, generics.ListAPIView):
    """The order timeline, oldest first."""

    serializer_class = OrderEventOutput

    class pagination_class(CursorPagination):
        ordering = ("created_at", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrderEvent.objects.none()
        order = get_or_404(selectors.order_list(shop=self.shop), pk=self.kwargs["pk"])
        return selectors.order_events(order=order)


# --- Import validation -----------------------------------------------------------------------

SHIPPED_OR_LATER = (OrderState.SHIPPED, OrderState.RECEIVED, OrderState.CLOSED)


class CustomerInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["es", "en"], required=False, default="es")


class LineImportInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    unit_price = money_field(min_value=0)


class OrderImportInput(serializers.Serializer):
    shop = serializers.SlugRelatedField(slug_field="code", queryset=Shop.objects.all())
    reference = serializers.CharField(max_length=64)
    customer = CustomerInput()
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        default="EUR",
        error_messages={"invalid": _("Use an ISO 4217 code such as EUR.")},
    )
    lines = LineImportInput(many=True, allow_empty=False, max_length=1000)
    # A Decimal, not "0.00": DRF hands a default over as it is, unparsed.
    shipping_amount = money_field(min_value=0, default=Decimal("0.00"))
    state = LowerChoiceField(choices=OrderState.choices, default="waiting_acceptance")
    created_at = StorableDateTimeField(required=False)
    shipped_at = StorableDateTimeField(required=False)

    def validate(self, attrs):
        now = timezone.now()
        attrs.setdefault("created_at", now)
        errors = {}
        for field in ("created_at", "shipped_at"):
            if attrs.get(field) and attrs[field] > now:
                errors[field] = [_("This date is in the future.")]
        shipped = attrs["state"] in SHIPPED_OR_LATER
        if shipped and not attrs.get("shipped_at"):
            errors["shipped_at"] = [_("Required for an order that was shipped.")]
        if not shipped and attrs.get("shipped_at"):
            errors["shipped_at"] = [_("Only a shipped order has a shipping date.")]
        if attrs.get("shipped_at") and attrs["shipped_at"] < attrs["created_at"]:
            errors["shipped_at"] = [_("An order ships after it is created.")]
        total = attrs["shipping_amount"] + sum(
            line["quantity"] * line["unit_price"] for line in attrs["lines"]
        )
        if total > MAX_STORED_AMOUNT:
            errors["lines"] = [_("The order's total is too large.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- Operator endpoints ----------------------------------------------------------------------


class OperatorOrderFilter(OrderFilter):
    shop = django_filters.CharFilter(field_name="shop__code", label=_("Shop code"))


class OperatorOrderListApi(generics.ListCreateAPIView):
    """Every shop's orders (filter `shop` by code); POST imports an order."""

    permission_classes = [IsOperator]
    serializer_class = OrderListOutput
    filterset_class = OperatorOrderFilter
    filter_backends = [*generics.ListAPIView.filter_backends, OrderingFilter]
    ordering_fields = ["created_at", "shipped_at", "total_amount"]

    def get_queryset(self):
        return selectors.order_list(shop=ALL_SHOPS)

    @extend_schema(request=OrderImportInput, responses={201: OrderDetailOutput})
    @idempotent
    def post(self, request):
        serializer = OrderImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.order_import(
            shop=data["shop"],
            reference=data["reference"],
            customer_name=data["customer"]["name"],
            customer_email=data["customer"].get("email", ""),
            customer_language=data["customer"].get("language", "es"),
            currency=data["currency"],
            lines=[services.LineInput(**line) for line in data["lines"]],
            shipping_amount=data["shipping_amount"],
            state=data["state"],
            created_at=data["created_at"],
            shipped_at=data.get("shipped_at"),
            acting_user=request.user,
        )
        order = selectors.order_detail_queryset(shop=ALL_SHOPS).get(pk=order.pk)
        return Response(
            OrderDetailOutput(order, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class OperatorOrderDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsOperator]
    serializer_class = OrderDetailOutput

    def get_queryset(self):
        return selectors.order_detail_queryset(shop=ALL_SHOPS)


@extend_schema(request=None, responses=OrderDetailOutput)
class OperatorOrderReceiveApi(APIView):
    """The customer received the order (SHIPPED → RECEIVED)."""

    permission_classes = [IsOperator]

    def post(self, request, pk):
        order = get_or_404(selectors.order_list(shop=ALL_SHOPS), pk=pk)
        services.order_receive(order=order, acting_user=request.user)
        order = selectors.order_detail_queryset(shop=ALL_SHOPS).get(pk=pk)
        return Response(OrderDetailOutput(order, context={"request": request}).data)
