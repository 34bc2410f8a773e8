"""REST API for quality statistics: the seller's own shop, and every shop for operators."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sellerdesk.api.fields import money_field
from sellerdesk.api.views import get_or_404
from sellerdesk.tenancy import IsOperator, SellerScopedAPI
from shops.models import Shop
from stats import selectors
from stats.periods import DEFAULT_PERIOD, PERIOD_DAYS

# --- Input -----------------------------------------------------------------------------------


class PeriodInput(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIOD_DAYS), default=DEFAULT_PERIOD)


class OperatorStatsInput(PeriodInput):
    shop = serializers.SlugField(required=False)


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    str,
    enum=list(PERIOD_DAYS),
    default=DEFAULT_PERIOD,
    description="The last 7, 30 or 90 days (in the shop's timezone), compared with the same "
    "number of days before.",
)

# --- Output ----------------------------------------------------------------------------------


class AmountOutput(serializers.Serializer):
    currency = serializers.CharField()
    amount = money_field()


def _hours(duration) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 2)


def _rate_field(**kwargs):
    return serializers.FloatField(allow_null=True, **kwargs)


class PeriodNumbersOutput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    orders_shipped = serializers.IntegerField()
    messages_answered = serializers.IntegerField(
        help_text="Waits for the shop (from the earliest unanswered customer or operator "
        "message) that started in the period and got a shop reply."
    )
    reply_delay_average_hours = serializers.SerializerMethodField()
    reply_delay_median_hours = serializers.SerializerMethodField()
    answered_within_deadline = serializers.IntegerField()
    answered_after_deadline = serializers.IntegerField(
        help_text="Answered after the deadline, or still unanswered once it has passed."
    )
    within_deadline_share = _rate_field()
    incidents_opened = serializers.IntegerField()
    orders_with_incident = serializers.IntegerField()
    incident_rate = _rate_field(help_text="orders_with_incident ÷ orders_shipped.")
    incidents_closed = serializers.IntegerField()
    close_time_median_hours = serializers.SerializerMethodField()
    orders_refunded = serializers.IntegerField(
        help_text="Orders with a refund that is not refused."
    )
    refunds_count = serializers.IntegerField()
    refund_rate = _rate_field(help_text="orders_refunded ÷ orders_shipped; null without shipments.")
    refunded_amounts = serializers.SerializerMethodField(
        help_text="Sum of the refunds that are not refused, per currency."
    )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_reply_delay_average_hours(self, numbers) -> float | None:
        return _hours(numbers.reply_delay_average)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_reply_delay_median_hours(self, numbers) -> float | None:
        return _hours(numbers.reply_delay_median)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_close_time_median_hours(self, numbers) -> float | None:
        return _hours(numbers.close_time_median)

    @extend_schema_field(AmountOutput(many=True))
    def get_refunded_amounts(self, numbers) -> list:
        return AmountOutput(
            [
                {"currency": currency, "amount": amount}
                for currency, amount in sorted(numbers.refunded_amounts.items())
            ],
            many=True,
        ).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name, value in data.items():
            if isinstance(value, float):
                data[name] = round(value, 4)
        return data


class NowOutput(serializers.Serializer):
    threads_awaiting_reply = serializers.IntegerField()
    threads_overdue = serializers.IntegerField()
    incidents_open = serializers.IntegerField(help_text="Incidents not closed (open or resolved).")
    incidents_resolved = serializers.IntegerField(
        help_text="Of which marked resolved, awaiting the operator."
    )
    incidents_open_median_age_hours = serializers.SerializerMethodField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_incidents_open_median_age_hours(self, stats) -> float | None:
        return _hours(stats.incidents_open_median_age)


class QualityStatsOutput(serializers.Serializer):
    shop = serializers.CharField(source="shop.code")
    shop_name = serializers.CharField(source="shop.name")
    timezone = serializers.CharField(source="shop.timezone")
    period = serializers.CharField(source="period.key")
    computed_at = serializers.DateTimeField(source="now")
    now = NowOutput(source="*", help_text="Right now: no previous period.")
    current = PeriodNumbersOutput()
    previous = PeriodNumbersOutput()


def _period(request, input_class=PeriodInput) -> dict:
    params = input_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


# --- Views -----------------------------------------------------------------------------------


@extend_schema(parameters=[PERIOD_PARAMETER], responses=QualityStatsOutput)
class StatsApi(SellerScopedAPI, APIView):
    """The caller's shop: the numbers of the period and of the period before it."""

    def get(self, request):
        period = _period(request)["period"]
        stats = selectors.shop_quality(shop=self.shop, period=period)
        return Response(QualityStatsOutput(stats).data)


@extend_schema(
    parameters=[
        PERIOD_PARAMETER,
        OpenApiParameter(
            "shop", str, description="A shop code; without it, every shop's numbers as a list."
        ),
    ],
    # One shop's object with `shop`, every shop's as a list without it.
    responses={
        200: {
            "oneOf": [
                {"$ref": "#/components/schemas/QualityStatsOutput"},
                {"type": "array", "items": {"$ref": "#/components/schemas/QualityStatsOutput"}},
            ]
        }
    },
)
class OperatorStatsApi(APIView):
    """Any shop's statistics (`shop=code`), or every shop's as a list."""

    permission_classes = [IsOperator]

    def get(self, request):
        params = _period(request, OperatorStatsInput)
        if params.get("shop"):
            shop = get_or_404(Shop.objects.all(), code=params["shop"])
            stats = selectors.shop_quality(shop=shop, period=params["period"])
            return Response(QualityStatsOutput(stats).data)
        every_shop = selectors.shops_quality(period=params["period"])
        return Response(QualityStatsOutput(every_shop, many=True).data)
