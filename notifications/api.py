"""REST API for the seller's webhook endpoints and their deliveries (`/api/v1/webhooks/`).

Scoped to the caller's shop: another shop's endpoint (or the marketplace's) is a 404. The
secret is in the answer of the POST that creates the endpoint and of `rotate-secret`, never
again."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.models import Channel, Notice, NoticeState, WebhookEvent
from sellerdesk.api.fields import LowerChoiceField
from sellerdesk.api.views import get_or_404
from sellerdesk.idempotency import idempotent
from sellerdesk.tenancy import SellerScopedAPI

# --- Output ----------------------------------------------------------------------------------


class WebhookEndpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.values))
    active = serializers.BooleanField(source="is_active")
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="Since when deliveries fail without a success in between."
    )
    secret_hint = serializers.CharField(help_text="The start of the signing secret.")
    created_at = serializers.DateTimeField()


class WebhookEndpointCreatedOutput(WebhookEndpointOutput):
    secret = serializers.CharField(
        help_text="The signing secret (whsec_...), shown in this answer only: store it now."
    )


class DeliveryAttemptOutput(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    succeeded = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class WebhookDeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField(help_text="The `webhook-id` header: the same on every retry.")
    event = serializers.ChoiceField(choices=WebhookEvent.values)
    state = LowerChoiceField(choices=NoticeState.choices)
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(
        allow_null=True, help_text="When it is tried again (pending deliveries only)."
    )
    sent_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    log = DeliveryAttemptOutput(many=True, source="attempt_log.all")

    def to_representation(self, notice):
        data = super().to_representation(notice)
        if notice.state != NoticeState.PENDING:
            data["next_attempt_at"] = None
        return data


# --- Input -------------------------------------------------------------------------------------


class WebhookEndpointInput(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="An https:// address on the internet.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.values), min_length=1, max_length=20
    )
    description = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )


# --- Views -------------------------------------------------------------------------------------


def _endpoints(view):
    return selectors.endpoint_list(shop=view.shop)


class WebhookEndpointListApi(SellerScopedAPI, generics.ListAPIView):
    """The shop's webhook endpoints, newest first."""

    serializer_class = WebhookEndpointOutput

    def get_queryset(self):
        return _endpoints(self)

    @extend_schema(
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointCreatedOutput},
        summary="Register a webhook endpoint (the answer carries its secret, once)",
    )
    @idempotent
    def post(self, request):
        serializer = WebhookEndpointInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            shop=self.shop, acting_user=request.user, **serializer.validated_data
        )
        return Response(WebhookEndpointCreatedOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(SellerScopedAPI, generics.RetrieveDestroyAPIView):
    serializer_class = WebhookEndpointOutput

    def get_queryset(self):
        return _endpoints(self)

    def perform_destroy(self, instance):
        services.webhook_endpoint_delete(endpoint=instance)


@extend_schema(request=None, responses=WebhookEndpointCreatedOutput)
class WebhookEndpointRotateSecretApi(SellerScopedAPI, APIView):
    """A new secret (in this answer only); the old one still signs for 24 hours."""

    def post(self, request, pk):
        endpoint = get_or_404(_endpoints(self), pk=pk)
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
        return Response(WebhookEndpointCreatedOutput(endpoint).data)


class EnableInput(serializers.Serializer):
    active = serializers.BooleanField()


@extend_schema(request=EnableInput, responses=WebhookEndpointOutput)
class WebhookEndpointActiveApi(SellerScopedAPI, APIView):
    """Enable an endpoint again (after fixing the receiver) or pause it."""

    def post(self, request, pk):
        endpoint = get_or_404(_endpoints(self), pk=pk)
        serializer = EnableInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_set_active(
            endpoint=endpoint, active=serializer.validated_data["active"]
        )
        return Response(WebhookEndpointOutput(endpoint).data)


class WebhookDeliveryListApi(SellerScopedAPI, generics.ListAPIView):
    """The endpoint's delivery log, newest first: attempts, status codes, times."""

    serializer_class = WebhookDeliveryOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        endpoint = get_or_404(_endpoints(self), pk=self.kwargs["pk"])
        return selectors.endpoint_deliveries(endpoint=endpoint)


@extend_schema(request=None, responses={202: WebhookDeliveryOutput})
class WebhookDeliveryResendApi(SellerScopedAPI, APIView):
    """Send a delivery again now, with the same `webhook-id`."""

    def post(self, request, pk, delivery_pk):
        endpoint = get_or_404(_endpoints(self), pk=pk)
        notice = get_or_404(
            Notice.objects.filter(endpoint=endpoint, channel=Channel.WEBHOOK), pk=delivery_pk
        )
        notice = services.notice_resend(notice=notice)
        notice = selectors.endpoint_deliveries(endpoint=endpoint).get(pk=notice.pk)
        return Response(WebhookDeliveryOutput(notice).data, status=status.HTTP_202_ACCEPTED)
