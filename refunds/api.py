"""REST API for refunds: the seller's list, create and preview; the operator's decisions."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import Order
from refunds import selectors, services
from refunds.calculations import LineRequest, RefundRequest
from refunds.filters import OperatorRefundFilter, RefundFilter
from refunds.models import Refund, RefundLine, RefundState
from sellerdesk.api.fields import LowerChoiceField, id_field, iso_datetime, money_field
from sellerdesk.api.views import FiltersOnlyWhenAsked, get_or_404
from sellerdesk.idempotency import HEADER, idempotent
from sellerdesk.money import quantize
from sellerdesk.tenancy import ALL_SHOPS, IsOperator, SellerScopedAPI

# --- Input -------------------------------------------------------------------------------------


class RefundLineInput(serializers.Serializer):
    line = id_field(help_text="The order line's id.")
    quantity = serializers.IntegerField(
        required=False, max_value=1_000_000, help_text="Units to refund (at the unit price)."
    )
    amount = money_field(required=False, help_text="An amount to refund on this line.")

    def validate(self, attrs):
        if attrs.get("quantity") is None and attrs.get("amount") is None:
            raise serializers.ValidationError(_("Give a quantity or an amount for each line."))
        return attrs


# A code of the operator's reason list, checked by `refund_create` against the list as it is now.
REASON_HELP = (
    "A code from GET /api/v1/reasons/?kind=refund (an active reason); "
    "another is a 400 naming `reason`."
)


class RefundInput(serializers.Serializer):
    reason = serializers.CharField(max_length=40, help_text=REASON_HELP)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    lines = RefundLineInput(many=True, required=False)
    amount = money_field(
        required=False,
        allow_null=True,
        help_text="An amount on the order's products as a whole, spread over its lines.",
    )
    shipping_amount = money_field(required=False, allow_null=True)

    def refund_request(self) -> RefundRequest:
        data = self.validated_data
        return RefundRequest(
            lines=[
                LineRequest(
                    line_id=entry["line"],
                    quantity=entry.get("quantity"),
                    amount=entry.get("amount"),
                )
                for entry in data.get("lines", [])
            ],
            amount=data.get("amount"),
            shipping_amount=data.get("shipping_amount"),
        )


class RefundPreviewInput(RefundInput):
    reason = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Optional (not checked by the preview). " + REASON_HELP,
    )


# --- Output ------------------------------------------------------------------------------------


class OrderReferenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class RefundLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="order_line_id")
    sku = serializers.CharField(source="order_line.sku")
    title = serializers.CharField(source="order_line.title")
    quantity = serializers.IntegerField()
    amount = money_field()


class RefundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = OrderReferenceOutput()
    state = LowerChoiceField(choices=RefundState.choices)
    reason = serializers.CharField(help_text="A refund code of GET /api/v1/reasons/.")
    reason_label = serializers.CharField(help_text="The reason's label in the request's language.")
    note = serializers.CharField()
    currency = serializers.CharField()
    lines = RefundLineOutput(many=True)
    shipping_amount = money_field()
    total_amount = money_field()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    refuse_reason = serializers.CharField()
    notified_at = serializers.DateTimeField(
        allow_null=True, help_text="When the customer's first email about it was delivered."
    )


class OperatorRefundOutput(RefundOutput):
    shop = serializers.CharField(source="shop.code")
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)


class BreakdownLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_id")
    quantity = serializers.IntegerField()
    amount = money_field()


class BalanceLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_id")
    refundable_quantity = serializers.IntegerField()
    refundable_amount = money_field()


class BalanceOutput(serializers.Serializer):
    lines = BalanceLineOutput(many=True, source="line_list")
    shipping_amount = money_field()
    total_amount = money_field()


class RefundPreviewOutput(serializers.Serializer):
    lines = BreakdownLineOutput(many=True, source="breakdown.lines")
    shipping_amount = money_field(source="breakdown.shipping_amount")
    total_amount = money_field(source="breakdown.total_amount")
    currency = serializers.CharField()
    refundable = BalanceOutput(help_text="What is refundable now, before this refund.")
    remaining = BalanceOutput(help_text="What would remain refundable after this refund.")
    refund_deadline = serializers.DateField(help_text="The last day of the window (shop's time).")


def preview_representation(preview, *, currency: str) -> dict:
    return RefundPreviewOutput(
        {
            "breakdown": preview.breakdown,
            "currency": currency,
            "refundable": preview.refundable,
            "remaining": preview.remaining,
            "refund_deadline": preview.refund_deadline,
        }
    ).data


# --- Seller endpoints --------------------------------------------------------------------------

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional. The same key with the same body on the same endpoint replays the first "
        "answer (`Idempotent-Replayed: true`); with another body or endpoint it is a 409 "
        "`idempotency_key_reused`. Keys are the shop's, kept IDEMPOTENCY_KEEP_HOURS."
    ),
)


def _seller_order(shop, pk) -> Order:
    return get_or_404(selectors.refundable_order_queryset(shop=shop), pk=pk)


class OrderRefundListCreateApi(SellerScopedAPI, generics.ListAPIView):
    """GET: the order's refunds, newest first. POST: refund the order (any combination of an
    amount on its products, units or amounts of lines, and shipping)."""

    serializer_class = RefundOutput
    filterset_class = RefundFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Refund.objects.none()
        order = _seller_order(self.shop, self.kwargs["pk"])
        return selectors.order_refunds(order=order)

    @extend_schema(
        request=RefundInput,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: RefundOutput},
    )
    @idempotent
    def post(self, request, pk):
        # Only the tenancy check here: refund_create reads the order (with its shop and lines)
        # again under its lock, so what it computes from cannot be stale.
        order = get_or_404(Order.objects.for_shop(self.shop).only("pk", "shop_id"), pk=pk)
        serializer = RefundInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.refund_create(
            order=order,
            reason=serializer.validated_data["reason"],
            note=serializer.validated_data["note"],
            request=serializer.refund_request(),
            acting_user=request.user,
        )
        refund = selectors.refund_detail_queryset(shop=self.shop).get(pk=created.refund.pk)
        return Response(RefundOutput(refund).data, status=status.HTTP_201_CREATED)


class OrderRefundPreviewApi(SellerScopedAPI, APIView):
    """What a proposed refund would give back, what would remain refundable, and the last day
    of the window; creates nothing. Refused with the same codes as the create."""

    @extend_schema(request=RefundPreviewInput, responses=RefundPreviewOutput)
    def post(self, request, pk):
        order = _seller_order(self.shop, pk)
        serializer = RefundPreviewInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Read-only, but in one transaction so the balance is read at one point in time.
        with transaction.atomic():
            preview = selectors.refund_preview(order=order, request=serializer.refund_request())
        return Response(preview_representation(preview, currency=order.currency))


# --- The refund lists' hot path -----------------------------------------------------------------
# Like the inbox (messaging.api.LeanThreadList): the rows of a page from `.values()` and the small
# mapping below, the page's lines in one more query, instead of model instances and RefundOutput
# (the same JSON, checked by a test against the serializer; the schema still comes from it).

_REFUND_COLUMNS = (
    "id",
    "order_id",
    "order__reference",
    "state",
    "reason",
    "reason_label",
    "note",
    "currency",
    "shipping_amount",
    "total_amount",
    "created_at",
    "created_by__username",
    "decided_at",
    "refuse_reason",
    "notified_at",
)


def _money(value) -> str | None:
    """What money_field gives: 2 decimals, as a string."""
    return None if value is None else str(quantize(value))


def refund_list_item(row: dict, lines: list[dict], tz) -> dict:
    return {
        "id": row["id"],
        "order": {"id": row["order_id"], "reference": row["order__reference"]},
        "state": row["state"].lower() if row["state"] else row["state"],
        "reason": row["reason"],
        "reason_label": row["reason_label"],
        "note": row["note"],
        "currency": row["currency"],
        "lines": [
            {
                "line": line["order_line_id"],
                "sku": line["order_line__sku"],
                "title": line["order_line__title"],
                "quantity": line["quantity"],
                "amount": _money(line["amount"]),
            }
            for line in lines
        ],
        "shipping_amount": _money(row["shipping_amount"]),
        "total_amount": _money(row["total_amount"]),
        "created_at": iso_datetime(row["created_at"], tz),
        "created_by": row["created_by__username"],
        "decided_at": iso_datetime(row["decided_at"], tz),
        "refuse_reason": row["refuse_reason"],
        "notified_at": iso_datetime(row["notified_at"], tz),
    }


class LeanRefundList(FiltersOnlyWhenAsked):
    """`list()` for the refund lists: a cursor page of `.values()` rows and their lines."""

    extra_columns: tuple[str, ...] = ()

    def lean_row(self, row: dict, lines: list[dict], tz) -> dict:
        return refund_list_item(row, lines, tz)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(selectors.refund_list(shop=self.list_shop))
        page = self.paginate_queryset(queryset.values(*_REFUND_COLUMNS, *self.extra_columns))
        lines: dict[int, list[dict]] = {row["id"]: [] for row in page}
        for line in (
            RefundLine.objects.filter(refund_id__in=list(lines))
            .order_by("id")
            .values(
                "refund_id",
                "order_line_id",
                "order_line__sku",
                "order_line__title",
                "quantity",
                "amount",
            )
        ):
            lines[line["refund_id"]].append(line)
        tz = timezone.get_current_timezone()
        return self.get_paginated_response(
            [self.lean_row(row, lines[row["id"]], tz) for row in page]
        )


class RefundListApi(SellerScopedAPI, LeanRefundList, generics.ListAPIView):
    """The shop's refunds, newest first; filters `state`, `order` (id or number), dates."""

    serializer_class = RefundOutput
    filterset_class = RefundFilter

    def get_queryset(self):
        return selectors.refund_detail_queryset(shop=self.shop)

    @property
    def list_shop(self):
        return self.shop


class RefundDetailApi(SellerScopedAPI, generics.RetrieveAPIView):
    serializer_class = RefundOutput

    def get_queryset(self):
        return selectors.refund_detail_queryset(shop=self.shop)


# --- Operator endpoints ------------------------------------------------------------------------


class OperatorRefundListApi(LeanRefundList, generics.ListAPIView):
    """Every shop's refunds (filter `shop` by code, and `state`, `order`, dates)."""

    permission_classes = [IsOperator]
    serializer_class = OperatorRefundOutput
    filterset_class = OperatorRefundFilter
    list_shop = ALL_SHOPS
    extra_columns = ("shop__code", "decided_by__username")

    def lean_row(self, row, lines, tz):
        # OperatorRefundOutput's field order: RefundOutput's, then shop and decided_by.
        return {
            **refund_list_item(row, lines, tz),
            "shop": row["shop__code"],
            "decided_by": row["decided_by__username"],
        }

    def get_queryset(self):
        return selectors.refund_detail_queryset(shop=ALL_SHOPS)


class OperatorRefundDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsOperator]
    serializer_class = OperatorRefundOutput

    def get_queryset(self):
        return selectors.refund_detail_queryset(shop=ALL_SHOPS)


class RefuseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class _OperatorDecisionApi(APIView):
    permission_classes = [IsOperator]

    def decide(self, refund, request):
        raise NotImplementedError

    def post(self, request, pk):
        refund = get_or_404(selectors.refund_list(shop=ALL_SHOPS), pk=pk)
        self.decide(refund, request)
        refund = selectors.refund_detail_queryset(shop=ALL_SHOPS).get(pk=pk)
        return Response(OperatorRefundOutput(refund).data)


@extend_schema(request=None, responses=OperatorRefundOutput)
class OperatorRefundConfirmApi(_OperatorDecisionApi):
    """The payment side paid the refund: PENDING → REFUNDED (409 refund_not_pending otherwise)."""

    def decide(self, refund, request):
        services.refund_confirm(refund=refund, acting_user=request.user)


@extend_schema(request=RefuseInput, responses=OperatorRefundOutput)
class OperatorRefundRefuseApi(_OperatorDecisionApi):
    """The payment side will not pay it: PENDING → REFUSED; its amount is refundable again."""

    def decide(self, refund, request):
        serializer = RefuseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.refund_refuse(
            refund=refund, acting_user=request.user, reason=serializer.validated_data["reason"]
        )
