"""REST API for incidents: the seller's list, detail and "mark as resolved"; the operator's
open, close, reopen and every shop's list."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents import selectors, services
from incidents.filters import IncidentFilter, OperatorIncidentFilter
from incidents.models import IncidentEventKind, IncidentOpenedBy, IncidentState
from orders import selectors as order_selectors
from sellerdesk.api.fields import LowerChoiceField, id_field
from sellerdesk.api.pagination import CursorPagination
from sellerdesk.api.views import get_or_404
from sellerdesk.idempotency import idempotent
from sellerdesk.tenancy import ALL_SHOPS, IsOperator, SellerScopedAPI

# --- Output ----------------------------------------------------------------------------------


class IncidentOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class IncidentEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=IncidentEventKind.choices)
    label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    actor_side = serializers.CharField()
    from_state = serializers.SerializerMethodField()
    to_state = serializers.SerializerMethodField()
    message = serializers.CharField()
    summary = serializers.CharField(help_text="The step's text, in the request's language.")
    reason = serializers.CharField()
    reason_label = serializers.CharField(help_text="The reason's label in the request's language.")
    created_at = serializers.DateTimeField()

    def get_from_state(self, event) -> str | None:
        return event.from_state.lower() or None

    def get_to_state(self, event) -> str | None:
        return event.to_state.lower() or None


class IncidentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = IncidentOrderOutput()
    line = serializers.IntegerField(source="order_line_id", allow_null=True)
    opened_by = LowerChoiceField(choices=IncidentOpenedBy.choices)
    reason = serializers.CharField(help_text="An incident_open code of GET /api/v1/reasons/.")
    reason_label = serializers.CharField(help_text="The reason's label in the request's language.")
    description = serializers.CharField()
    state = LowerChoiceField(choices=IncidentState.choices)
    opened_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    waiting_since = serializers.DateTimeField(
        allow_null=True, help_text="When it started waiting for the shop; null unless open."
    )
    resolution_reason = serializers.CharField(help_text="The closing reason (incident_close code).")
    resolution_reason_label = serializers.CharField(
        help_text="The closing reason's label in the request's language; empty without one."
    )


class IncidentDetailOutput(IncidentOutput):
    events = IncidentEventOutput(many=True)


class OperatorIncidentOutput(IncidentOutput):
    shop = serializers.CharField(source="shop.code")


class OperatorIncidentDetailOutput(OperatorIncidentOutput):
    events = IncidentEventOutput(many=True)


class OrderIncidentOutput(serializers.Serializer):
    """An incident as the order's `incidents` field shows it."""

    id = serializers.IntegerField()
    state = LowerChoiceField(choices=IncidentState.choices)
    reason = serializers.CharField()
    opened_by = LowerChoiceField(choices=IncidentOpenedBy.choices)
    opened_at = serializers.DateTimeField()
    waiting_since = serializers.DateTimeField(allow_null=True)


class IncidentPagination(CursorPagination):
    ordering = ("-opened_at", "-id")


# --- Input -----------------------------------------------------------------------------------


# Reasons are codes of the operator's list (GET /api/v1/reasons/?kind=...), checked by the
# service against the list as it is now: not an enum fixed when the code was written.
OPEN_REASON_HELP = (
    "A code from GET /api/v1/reasons/?kind=incident_open (an active reason); "
    "another is a 400 naming `reason`."
)
CLOSE_REASON_HELP = (
    "A code from GET /api/v1/reasons/?kind=incident_close (an active reason); "
    "another is a 400 naming `reason`."
)


class ResolveInput(serializers.Serializer):
    reason = serializers.CharField(max_length=64, help_text=CLOSE_REASON_HELP)
    message = serializers.CharField(max_length=5000, help_text="The message to the operator.")


class OpenInput(serializers.Serializer):
    opened_by = LowerChoiceField(choices=IncidentOpenedBy.choices)
    reason = serializers.CharField(max_length=64, help_text=OPEN_REASON_HELP)
    description = serializers.CharField(max_length=5000)
    line = id_field(required=False, allow_null=True, help_text="An order line id.")


class CloseInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=f"Required to close an incident that is still open. {CLOSE_REASON_HELP}",
    )
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ReopenInput(serializers.Serializer):
    message = serializers.CharField(max_length=5000, help_text="Why the resolution is not enough.")


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Seller endpoints ------------------------------------------------------------------------


class IncidentListApi(SellerScopedAPI, generics.ListAPIView):
    """The shop's incidents, newest first."""

    serializer_class = IncidentOutput
    filterset_class = IncidentFilter
    pagination_class = IncidentPagination

    def get_queryset(self):
        return selectors.incident_list(shop=self.shop)


class IncidentDetailApi(SellerScopedAPI, generics.RetrieveAPIView):
    serializer_class = IncidentDetailOutput

    def get_queryset(self):
        return selectors.incident_detail_queryset(shop=self.shop)


@extend_schema(request=ResolveInput, responses=IncidentDetailOutput)
class IncidentResolveApi(SellerScopedAPI, APIView):
    """Mark the incident as resolved, with a closing reason and a message to the operator."""

    def post(self, request, pk):
        incident = get_or_404(selectors.incident_list(shop=self.shop), pk=pk)
        data = _valid(ResolveInput, request.data)
        services.incident_mark_resolved(
            incident=incident,
            reason=data["reason"],
            message=data["message"],
            acting_user=request.user,
        )
        incident = selectors.incident_get(shop=self.shop, pk=pk)
        return Response(IncidentDetailOutput(incident).data)


# --- Operator endpoints ----------------------------------------------------------------------


class OperatorIncidentListApi(generics.ListAPIView):
    """Every shop's incidents (filter `shop` by code), newest first."""

    permission_classes = [IsOperator]
    serializer_class = OperatorIncidentOutput
    filterset_class = OperatorIncidentFilter
    pagination_class = IncidentPagination

    def get_queryset(self):
        return selectors.incident_list(shop=ALL_SHOPS)


class OperatorIncidentDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsOperator]
    serializer_class = OperatorIncidentDetailOutput

    def get_queryset(self):
        return selectors.incident_detail_queryset(shop=ALL_SHOPS)


def _operator_detail(pk):
    return OperatorIncidentDetailOutput(selectors.incident_get(shop=ALL_SHOPS, pk=pk)).data


@extend_schema(request=OpenInput, responses={201: OperatorIncidentDetailOutput})
class OperatorIncidentOpenApi(APIView):
    """Open an incident on a shipped or received order, for the customer or the operator."""

    permission_classes = [IsOperator]

    @idempotent
    def post(self, request, pk):
        order = get_or_404(order_selectors.order_list(shop=ALL_SHOPS), pk=pk)
        data = _valid(OpenInput, request.data)
        incident = services.incident_open(
            order=order,
            opened_by=data["opened_by"],
            reason=data["reason"],
            description=data["description"],
            line_id=data.get("line"),
            acting_user=request.user,
        )
        return Response(_operator_detail(incident.pk), status=status.HTTP_201_CREATED)


@extend_schema(request=CloseInput, responses=OperatorIncidentDetailOutput)
class OperatorIncidentCloseApi(APIView):
    """Close: agree with the shop's resolution, or close an open incident with a reason."""

    permission_classes = [IsOperator]

    def post(self, request, pk):
        incident = get_or_404(selectors.incident_list(shop=ALL_SHOPS), pk=pk)
        data = _valid(CloseInput, request.data)
        services.incident_close(
            incident=incident,
            acting_user=request.user,
            reason=data.get("reason", ""),
            message=data.get("message", ""),
        )
        return Response(_operator_detail(pk))


@extend_schema(request=ReopenInput, responses=OperatorIncidentDetailOutput)
class OperatorIncidentReopenApi(APIView):
    """Reopen a resolved incident: the operator does not agree with the resolution."""

    permission_classes = [IsOperator]

    def post(self, request, pk):
        incident = get_or_404(selectors.incident_list(shop=ALL_SHOPS), pk=pk)
        data = _valid(ReopenInput, request.data)
        services.incident_reopen(
            incident=incident, acting_user=request.user, message=data["message"]
        )
        return Response(_operator_detail(pk))


def order_api_fields(order, request) -> dict:
    """The order's `incidents` field: one query."""
    incidents = selectors.order_incidents(order=order)
    return {"incidents": OrderIncidentOutput(incidents, many=True).data}
