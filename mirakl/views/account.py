"""A01 and A21: the shop's information and its quality statistics.

SellerDesk keeps a shop's name, email, timezone and creation date; Mirakl's account has billing,
payment and shipping settings SellerDesk does not manage: those required fields are empty
(strings), zero (numbers) or empty lists. The statistics are `stats.selectors.shop_quality`.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response

from mirakl.errors import MiraklError
from mirakl.formats import CommaListField, mirakl_datetime, mirakl_locale
from mirakl.views.base import MiraklView
from orders.models import Order
from stats.selectors import shop_quality

ZERO = 0


class AccountView(MiraklView):
    """A01."""

    def get(self, request):
        shop = self.shop
        seller = shop.users.filter(is_active=True).order_by("id").first()
        contact_name = (seller.last_name if seller else "") or shop.name
        return Response(
            {
                "shop_id": shop.pk,
                "shop_name": shop.name,
                "shop_state": "OPEN",
                "date_created": mirakl_datetime(shop.created_at),
                "last_updated_date": mirakl_datetime(shop.created_at),
                "currency_iso_code": settings.DEFAULT_CURRENCY,
                "is_professional": True,
                "premium": False,
                "free_shipping": False,
                "payment_method_mandatory": False,
                "channels": [],
                "domains": ["PRODUCT"],
                "evaluations_count": ZERO,
                "offers_count": ZERO,
                "orders_count": Order.objects.for_shop(shop).count(),
                "contact_informations": {
                    "email": shop.email,
                    "firstname": seller.first_name if seller else "",
                    "lastname": contact_name,
                    "street1": "",
                    "city": "",
                    "country": "",
                },
                "billing_info": {},
                "default_billing_information": {
                    "id": str(shop.pk),
                    "default_language": mirakl_locale(settings.LANGUAGE_CODE),
                    "registration_address": {"street_1": "", "city": "", "country_iso_code": ""},
                },
                "payment_details": {
                    "paid_balance": ZERO,
                    "payable_balance": ZERO,
                    "pending_balance": ZERO,
                },
                "pro_details": {},
                "shipping": {},
                "shipping_types": [],
                "shipping_zones": [],
                "shop_additional_fields": [],
            }
        )


# Mirakl's periods → SellerDesk's (the last 30, 90, 180 or 365 days, in the shop's timezone).
PERIODS = {
    "LAST_MONTH": "30d",
    "LAST_THREE_MONTHS": "90d",
    "LAST_SIX_MONTHS": "180d",
    "LAST_YEAR": "365d",
}
UNSUPPORTED_PERIODS = ("ALL_SINCE_BEGINNING",)


class StatisticsQuery(serializers.Serializer):
    periods = CommaListField(required=False)
    channel_code = serializers.CharField(required=False)


def _seconds(duration) -> int | None:
    return None if duration is None else int(duration.total_seconds())


# Mirakl statistic → how to read it from one period's numbers (None: no value for that period).
METRICS = {
    "incident_rate": lambda numbers: numbers.incident_rate,
    "refund_rate": lambda numbers: numbers.refund_rate,
    "order_messages_response_delay": lambda numbers: _seconds(numbers.reply_delay_average),
    "orders_count": lambda numbers: numbers.orders_shipped,
}


class StatisticsView(MiraklView):
    """A21: incident rate, refund rate, reply delay (seconds) and orders, per period."""

    def get(self, request):
        params = self.query(StatisticsQuery)
        if params.get("channel_code"):
            raise MiraklError(
                _("SellerDesk has no sales channels: channel_code is not supported."),
                code="CHANNELS_NOT_SUPPORTED",
                fields={"channel_code": [_("Not supported.")]},
            )
        periods = params.get("periods") or list(PERIODS)
        unknown = [period for period in periods if period not in PERIODS]
        if unknown:
            code = (
                "PERIOD_NOT_SUPPORTED"
                if set(unknown) <= set(UNSUPPORTED_PERIODS)
                else "VALIDATION_ERROR"
            )
            raise MiraklError(
                _("Periods offered: %(periods)s.") % {"periods": ", ".join(PERIODS)},
                code=code,
                fields={"periods": [", ".join(unknown)]},
            )
        now = timezone.now()
        body = {"shop_id": self.shop.pk, "last_updated_date": mirakl_datetime(now)}
        for metric in METRICS:
            body[metric] = []
        for period in dict.fromkeys(periods):
            numbers = shop_quality(shop=self.shop, period=PERIODS[period], now=now).current
            for metric, read in METRICS.items():
                value = read(numbers)
                if value is not None:
                    body[metric].append({"period": period, "value": value})
        return Response(body)
