"""OR11, OR12, OR21, OR23, OR24, OR28, OR29 and OR64: orders, their cycle, refunds, incidents.

Every change is a call to the owning app's service (`orders.services`, `refunds.services`,
`incidents.services`): the locks, the rules, the events and the notices are theirs. These views
translate Mirakl's requests into those calls and the services' refusals into Mirakl's codes.
"""

from collections import OrderedDict

from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from incidents.models import Incident, IncidentState
from incidents.reasons import close_reason_label
from incidents.services import incident_mark_resolved
from mirakl.errors import MiraklError, MiraklNotFound
from mirakl.formats import CommaListField, MiraklDateTimeField, int_id, json_numbers
from mirakl.orders import (
    TAX_INCLUDED,
    mirakl_order_queryset,
    order_representation,
    refund_entries,
    single_order_representation,
)
from mirakl.views.base import MiraklView
from orders import services as order_services
from orders.freeze import frozen_q
from orders.models import Order, OrderLine
from refunds import selectors as refund_selectors
from refunds.calculations import LineRequest, RefundRequest
from refunds.services import refund_create
from sellerdesk.api.fields import MAX_AMOUNT
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent

MIRAKL_ORDER_STATES = [
    "STAGING",
    "WAITING_ACCEPTANCE",
    "WAITING_DEBIT",
    "WAITING_DEBIT_PAYMENT",
    "SHIPPING",
    "SHIPPED",
    "TO_COLLECT",
    "RECEIVED",
    "CLOSED",
    "REFUSED",
    "CANCELED",
]
TAX_MODES = ["TAX_INCLUDED", "TAX_EXCLUDED"]
# The refusals of the order cycle under the codes Mirakl documents for OR21 and its siblings.
ORDER_ERROR_CODES = {
    "not_found": "ORDER_NOT_FOUND",
    "invalid_transition": "ORDER_INVALID_STATE",
    "order_frozen": "ORDER_INVALID_STATE",
}


def _order(shop, order_id) -> Order:
    order = Order.objects.for_shop(shop).filter(reference=order_id).first()
    if order is None:
        raise NotFound()
    return order


def _not_supported(field: str, message: str, code: str) -> MiraklError:
    return MiraklError(message, code=code, fields={field: [_("Not supported.")]})


# --- OR11, OR12 ----------------------------------------------------------------------------


class OrderListQuery(serializers.Serializer):
    order_ids = CommaListField(required=False)
    order_references_for_customer = CommaListField(required=False)
    order_references_for_seller = CommaListField(required=False)
    order_state_codes = CommaListField(required=False)
    channel_codes = CommaListField(required=False)
    only_null_channel = serializers.BooleanField(required=False, default=False)
    start_date = MiraklDateTimeField(required=False)
    end_date = MiraklDateTimeField(required=False)
    start_update_date = MiraklDateTimeField(required=False)
    end_update_date = MiraklDateTimeField(required=False)
    customer_debited = serializers.BooleanField(required=False, allow_null=True, default=None)
    payment_workflow = serializers.CharField(required=False)
    has_incident = serializers.BooleanField(required=False, allow_null=True, default=None)
    fulfillment_center_code = CommaListField(required=False)
    order_tax_mode = serializers.ChoiceField(choices=TAX_MODES, required=False)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000, default=0)
    max = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)
    sort = serializers.ChoiceField(choices=["dateCreated"], required=False)
    order = serializers.ChoiceField(choices=["asc", "desc"], required=False, default="asc")

    def validate_order_state_codes(self, value):
        unknown = [code for code in value if code not in MIRAKL_ORDER_STATES]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown order states: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return value


def _filtered_orders(shop, params):
    """Refuses what SellerDesk cannot honour (channels, payment, fulfillment centers) rather
    than answering as if it had filtered."""
    if params.get("channel_codes"):
        raise _not_supported(
            "channel_codes",
            _("SellerDesk has no sales channels: channel_codes is not supported."),
            "CHANNELS_NOT_SUPPORTED",
        )
    if params.get("customer_debited") is not None or params.get("payment_workflow"):
        field = (
            "customer_debited" if params.get("customer_debited") is not None else "payment_workflow"
        )
        raise _not_supported(
            field,
            _("SellerDesk keeps no payment data: %(field)s is not supported.") % {"field": field},
            "PAYMENT_FILTERS_NOT_SUPPORTED",
        )
    if params.get("fulfillment_center_code"):
        raise _not_supported(
            "fulfillment_center_code",
            _("SellerDesk has no fulfillment centers: fulfillment_center_code is not supported."),
            "FULFILLMENT_NOT_SUPPORTED",
        )
    queryset = mirakl_order_queryset(shop=shop)
    for name in ("order_ids", "order_references_for_customer", "order_references_for_seller"):
        if params.get(name):
            queryset = queryset.filter(reference__in=params[name])
    if params.get("order_state_codes"):
        queryset = queryset.filter(state__in=params["order_state_codes"])
    for name, lookup in (
        ("start_date", "created_at__gte"),
        ("end_date", "created_at__lte"),
        ("start_update_date", "updated_at__gte"),
        ("end_update_date", "updated_at__lte"),
    ):
        if params.get(name):
            queryset = queryset.filter(**{lookup: params[name]})
    if params.get("has_incident") is not None:
        queryset = (
            queryset.filter(frozen_q()) if params["has_incident"] else queryset.exclude(frozen_q())
        )
    descending = params["order"] == "desc"
    return queryset.order_by(*(["-created_at", "-id"] if descending else ["created_at", "id"]))


class OrderListView(MiraklView):
    """OR11: the shop's orders, offset-paginated (`offset`, `max`), oldest first by default."""

    def get(self, request):
        params = self.query(OrderListQuery)
        queryset = _filtered_orders(self.shop, params)
        total = queryset.count()
        page = queryset[params["offset"] : params["offset"] + params["max"]]
        now = timezone.now()
        tax_mode = params.get("order_tax_mode") or TAX_INCLUDED
        return Response(
            {
                "orders": [
                    order_representation(order, now=now, tax_mode=tax_mode) for order in page
                ],
                "total_count": total,
            }
        )


class OrderDetailView(MiraklView):
    """OR12: one order."""

    mirakl_error_codes = ORDER_ERROR_CODES

    def get(self, request, order_id):
        order = mirakl_order_queryset(shop=self.shop).filter(reference=order_id).first()
        if order is None:
            raise NotFound()
        return Response(single_order_representation(order, now=timezone.now()))


# --- OR21, OR23, OR24, OR29 ----------------------------------------------------------------


class LineDecisionInput(serializers.Serializer):
    id = serializers.CharField(max_length=40)
    accepted = serializers.BooleanField()


class AcceptInput(serializers.Serializer):
    order_lines = serializers.ListField(
        child=serializers.JSONField(allow_null=True), allow_empty=False
    )


class OrderAcceptView(MiraklView):
    """OR21: accept or refuse the order. SellerDesk accepts or refuses an order as a whole, so
    every line must be decided, all the same way (Mirakl's ORDER_PARTIAL_ACCEPTANCE_DISABLED)."""

    mirakl_error_codes = ORDER_ERROR_CODES

    def put(self, request, order_id):
        order = _order(self.shop, order_id)
        lines = self.body(AcceptInput)["order_lines"]
        if any(line is None for line in lines):
            raise MiraklError(
                _("The order lines list contains a null element."),
                code="ORDER_LINE_NULL_ELEMENT",
            )
        decision = LineDecisionInput(data=lines, many=True)
        if not decision.is_valid():
            raise serializers.ValidationError({"order_lines": decision.errors})
        decided = [(item["id"], item["accepted"]) for item in decision.validated_data]
        ids = [line_id for line_id, _accepted in decided]
        if len(set(ids)) != len(ids):
            raise MiraklError(
                _("The order lines list contains duplicate order line ids."),
                code="ORDER_LINE_DUPLICATE_ID",
            )
        order_line_ids = {str(pk) for pk in order.lines.values_list("pk", flat=True)}
        unknown = sorted(set(ids) - order_line_ids)
        if unknown:
            raise MiraklNotFound(
                _("Order %(order)s has no line %(lines)s.")
                % {"order": order.reference, "lines": ", ".join(unknown)},
                code="ORDER_LINE_NOT_FOUND",
            )
        if set(ids) != order_line_ids:
            raise MiraklError(
                _("Decide every line of the order: %(lines)s.")
                % {"lines": ", ".join(sorted(order_line_ids - set(ids)))},
                code="ORDER_LINE_ACCEPTANCE_DECISION_MISSING",
            )
        accepted = {value for _line_id, value in decided}
        if len(accepted) > 1:
            raise MiraklError(
                _("Accept or refuse the whole order: partial acceptance is not possible."),
                code="ORDER_PARTIAL_ACCEPTANCE_DISABLED",
            )
        if accepted == {True}:
            order_services.order_accept(order=order, acting_user=request.user)
        else:
            order_services.order_refuse(
                order=order,
                acting_user=request.user,
                reason=_("Refused through the seller API (OR21)."),
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrackingInput(serializers.Serializer):
    carrier_code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    carrier_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    carrier_standard_code = serializers.CharField(required=False, allow_blank=True)
    carrier_url = serializers.CharField(required=False, allow_blank=True)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)


class OrderTrackingView(MiraklView):
    """OR23: the carrier and tracking number, before the shipment is confirmed (or after)."""

    mirakl_error_codes = ORDER_ERROR_CODES

    def put(self, request, order_id):
        order = _order(self.shop, order_id)
        data = self.body(TrackingInput)
        order_services.order_tracking_set(
            order=order,
            acting_user=request.user,
            carrier=data.get("carrier_name") or data.get("carrier_code") or "",
            tracking_number=data.get("tracking_number", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderShipView(MiraklView):
    """OR24: confirm the shipment with the carrier and tracking number given by OR23."""

    mirakl_error_codes = ORDER_ERROR_CODES

    def put(self, request, order_id):
        order = _order(self.shop, order_id)
        try:
            order_services.order_ship(
                order=order,
                acting_user=request.user,
                carrier=order.carrier,
                tracking_number=order.tracking_number,
            )
        except DomainError as error:
            if error.code != "required":
                raise
            raise MiraklError(
                _("Give the carrier and the tracking number (OR23) before confirming shipment."),
                code="TRACKING_REQUIRED",
            ) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrderCancelView(MiraklView):
    """OR29: cancel the whole order (before shipment)."""

    mirakl_error_codes = ORDER_ERROR_CODES

    def put(self, request, order_id):
        order = _order(self.shop, order_id)
        order_services.order_cancel(
            order=order,
            acting_user=request.user,
            reason=_("Canceled through the seller API (OR29)."),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- OR64 ----------------------------------------------------------------------------------


class ResolveIncidentInput(serializers.Serializer):
    reason_code = serializers.CharField(max_length=64)
    # SellerDesk's rule asks for a message to the operator; Mirakl's call has none. A connector
    # may send one; otherwise the message says the reason.
    message = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ResolveIncidentView(MiraklView):
    """OR64: mark the incident on an order line resolved. SellerDesk's incidents belong to an
    order and may name a line: the one on this line, or else the one on the whole order."""

    mirakl_error_codes = {**ORDER_ERROR_CODES, "invalid": "VALIDATION_ERROR"}

    def put(self, request, order_id, line):
        order = _order(self.shop, order_id)
        line_pk = int_id(line)
        order_line = OrderLine.objects.filter(order=order, pk=line_pk).first() if line_pk else None
        if order_line is None:
            raise MiraklNotFound(
                _("Order %(order)s has no line %(line)s.")
                % {"order": order.reference, "line": line},
                code="ORDER_LINE_NOT_FOUND",
            )
        data = self.body(ResolveIncidentInput)
        on_line = Incident.objects.for_shop(self.shop).filter(
            Q(order_line=order_line) | Q(order_line__isnull=True), order=order
        )
        # The line's own incident first; an OPEN one before one that waits for the operator.
        incident = (
            on_line.exclude(state=IncidentState.CLOSED)
            .order_by(
                F("order_line").desc(nulls_last=True),
                F("state").desc(),  # OPEN before RESOLVED
                "opened_at",
            )
            .first()
        )
        if incident is None:
            raise MiraklError(
                _("There is no incident in progress on this order line."),
                code="INCIDENT_NOT_FOUND",
            )
        message = (data.get("message") or "").strip() or _(
            "Marked as resolved through the seller API: %(reason)s."
        ) % {"reason": close_reason_label(data["reason_code"])}
        incident_mark_resolved(
            incident=incident,
            reason=data["reason_code"],
            message=message,
            acting_user=request.user,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- OR28 ----------------------------------------------------------------------------------


class CodeAmountInput(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, max_value=MAX_AMOUNT
    )


class RefundEntryInput(serializers.Serializer):
    order_line_id = serializers.CharField(max_length=40)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_AMOUNT
    )
    shipping_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_AMOUNT
    )
    quantity = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)
    reason_code = serializers.CharField(max_length=40)
    currency_iso_code = serializers.CharField(required=False, max_length=3)
    excluded_from_shipment = serializers.BooleanField(required=False)
    tax_legal_notice = serializers.CharField(required=False, allow_blank=True)
    fees = CodeAmountInput(many=True, required=False)
    taxes = CodeAmountInput(many=True, required=False)
    shipping_taxes = CodeAmountInput(many=True, required=False)

    def validate(self, attrs):
        for name in ("fees", "taxes", "shipping_taxes"):
            if any(item.get("amount") for item in attrs.get(name, [])):
                raise serializers.ValidationError(
                    {
                        name: [
                            _("SellerDesk keeps no taxes or fees: only zero amounts are accepted.")
                        ]
                    }
                )
        return attrs


class RefundsInput(serializers.Serializer):
    order_tax_mode = serializers.ChoiceField(choices=TAX_MODES, required=False)
    refunds = RefundEntryInput(many=True, allow_empty=False, max_length=100)


def _line_request(line, entry) -> LineRequest | None:
    """Mirakl's amount is what is refunded; its quantity is informative. Units are recorded
    when the amount is exactly that many units, otherwise the amount alone."""
    amount, quantity = entry["amount"], entry.get("quantity") or 0
    if amount <= 0:
        return None
    if quantity and amount == line.unit_price * quantity:
        return LineRequest(line_id=line.pk, quantity=quantity)
    return LineRequest(line_id=line.pk, amount=amount)


class RefundView(MiraklView):
    """OR28: refunds on order lines, possibly of several orders. The entries of one order with
    one reason make one SellerDesk refund (its `order_refund_id`); all are created or none."""

    mirakl_error_codes = {**ORDER_ERROR_CODES, "invalid": "VALIDATION_ERROR"}

    @idempotent
    def put(self, request):
        data = self.body(RefundsInput)
        entries = data["refunds"]
        line_pks = {int_id(entry["order_line_id"]) for entry in entries}
        lines = {
            line.pk: line
            for line in OrderLine.objects.filter(
                order__in=Order.objects.for_shop(self.shop), pk__in=line_pks - {None}
            ).select_related("order")
        }
        missing = sorted(
            {e["order_line_id"] for e in entries if int_id(e["order_line_id"]) not in lines}
        )
        if missing:
            raise MiraklNotFound(
                _("No order line %(lines)s in this shop.") % {"lines": ", ".join(missing)},
                code="ORDER_LINE_NOT_FOUND",
            ) from None
        groups: OrderedDict[tuple[int, str], dict] = OrderedDict()
        for entry in entries:
            line = lines[int_id(entry["order_line_id"])]
            if entry.get("currency_iso_code") and entry["currency_iso_code"] != line.order.currency:
                raise MiraklError(
                    _("Order %(order)s is in %(currency)s.")
                    % {"order": line.order.reference, "currency": line.order.currency},
                    code="CURRENCY_MISMATCH",
                    fields={"currency_iso_code": [_("Use the order's currency.")]},
                )
            group = groups.setdefault(
                (line.order_id, entry["reason_code"]),
                {"order": line.order, "lines": [], "shipping": None},
            )
            part = _line_request(line, entry)
            if part is not None:
                group["lines"].append(part)
            if entry["shipping_amount"] > 0:
                group["shipping"] = (group["shipping"] or 0) + entry["shipping_amount"]
        created = []
        # One transaction: a refusal of any group writes nothing. Orders are locked in id order,
        # so two such calls on the same orders cannot deadlock.
        with transaction.atomic():
            for (_order_id, reason), group in sorted(groups.items(), key=lambda item: item[0]):
                result = refund_create(
                    order=group["order"],
                    reason=reason,
                    request=RefundRequest(lines=group["lines"], shipping_amount=group["shipping"]),
                    acting_user=request.user,
                )
                created.append(result.refund.pk)
        refunds = refund_selectors.refund_detail_queryset(shop=self.shop).filter(pk__in=created)
        first_lines = dict(
            OrderLine.objects.filter(order_id__in=[refund.order_id for refund in refunds])
            .values("order_id")
            .annotate(first=Min("id"))
            .values_list("order_id", "first")
        )
        rows = []
        for refund in sorted(refunds, key=lambda item: created.index(item.pk)):
            for entry in refund_entries(refund, first_line_id=first_lines[refund.order_id]):
                rows.append(
                    {
                        "refund_id": entry["id"],
                        "order_refund_id": entry["order_refund_id"],
                        "order_line_id": entry["order_line_id"],
                        "amount": entry["amount"],
                        "shipping_amount": entry["shipping_amount"],
                        "quantity": entry["quantity"],
                        "reason_code": entry["reason_code"],
                        "currency_iso_code": entry["currency_iso_code"],
                    }
                )
        # Numbers, not Decimals: an Idempotency-Key replay answers the stored JSON, which would
        # otherwise hold the amounts as strings.
        body = {"order_tax_mode": data.get("order_tax_mode") or TAX_INCLUDED, "refunds": rows}
        return Response(json_numbers(body))
