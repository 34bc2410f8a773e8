"""M10, M11, M12, M13, M14 and OR43: threads, messages and attachments.

Every write goes through `messaging.services` (the 48-hour deadline, attachment checks, order
events and notices are theirs); every read starts from `messaging.selectors`, scoped to the shop.
"""

from urllib.parse import parse_qs, urlparse

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from messaging import selectors, services
from messaging.models import Attachment, Message, Thread
from messaging.views import attachment_response
from mirakl.errors import MiraklError
from mirakl.formats import CommaListField, MiraklDateTimeField, int_id
from mirakl.inbox import (
    MESSAGES_PER_THREAD_IN_LISTS,
    recipients_of,
    thread_representation,
    topic_as_reason,
    topic_unchanged_check,
)
from mirakl.parsers import json_part
from mirakl.views.base import MiraklView
from orders.models import Order
from sellerdesk.api.pagination import CursorPagination
from sellerdesk.idempotency import idempotent

PARTICIPANT_TYPES = ["CUSTOMER", "OPERATOR", "SHOP"]
# M11's entity types: the two SellerDesk has, and those it has none of (an empty list).
ORDER_ENTITY, SELLER_OPERATOR_ENTITY = "MMP_ORDER", "SELLER_OPERATOR"
ENTITY_TYPES_WITHOUT_THREADS = ("MMP_OFFER", "MPS_ORDER", "MPS_SERVICE")
# M14 starts a thread with the operator about the shop itself, not about an order or an offer.
SHOP_ENTITY_TYPES = (SELLER_OPERATOR_ENTITY, "SHOP", "MMP_SHOP")


def _thread(shop, thread_id) -> Thread:
    pk = int_id(thread_id)
    if pk is None:
        raise NotFound()
    thread = Thread.objects.for_shop(shop).filter(pk=pk).first()
    if thread is None:
        raise NotFound()
    return thread


def _thread_started(request, *, shop, order, data, to_customer, to_operator) -> Response:
    """M14 and OR43: the thread and its first message, answered as Mirakl does."""
    reason_code, subject = topic_as_reason(data["topic"])
    thread = services.thread_start(
        shop=shop,
        order=order,
        reason_code=reason_code,
        subject=subject,
        body=data["body"],
        to_customer=to_customer,
        to_operator=to_operator,
        acting_user=request.user,
        attachments=request.FILES.getlist("files"),
    )
    first_message = (
        Message.objects.filter(thread=thread).order_by("id").values_list("pk", flat=True)[0]
    )
    return Response(
        {"thread_id": str(thread.pk), "message_id": str(first_message)},
        status=status.HTTP_201_CREATED,
    )


# --- Input -----------------------------------------------------------------------------------


class TopicInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FREE_TEXT", "REASON_CODE"])
    value = serializers.CharField(max_length=200)


class RecipientInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=PARTICIPANT_TYPES)
    id = serializers.CharField(required=False, allow_blank=True)


def body_field():
    # The spec's bounds; SellerDesk's own limit on a message (services.MAX_BODY_LENGTH) applies
    # after them, in the service.
    return serializers.CharField(min_length=3, max_length=50000, trim_whitespace=False)


class MessageInput(serializers.Serializer):
    body = body_field()
    to = RecipientInput(many=True, allow_empty=False)
    topic = TopicInput(required=False, partial=True)


class EntityInput(serializers.Serializer):
    type = serializers.CharField(max_length=50)


class OperatorThreadInput(serializers.Serializer):
    body = body_field()
    entity = EntityInput()
    topic = TopicInput()


class OrderThreadInput(serializers.Serializer):
    body = body_field()
    to = serializers.ListField(
        child=serializers.ChoiceField(choices=PARTICIPANT_TYPES), allow_empty=False
    )
    topic = TopicInput()


def _valid_part(serializer_class, request, name: str) -> dict:
    serializer = serializer_class(data=json_part(request, name))
    if not serializer.is_valid():
        raise serializers.ValidationError({name: serializer.errors})
    return serializer.validated_data


class ThreadListQuery(serializers.Serializer):
    entity_type = serializers.CharField(required=False, max_length=50)
    entity_id = CommaListField(required=False)
    updated_since = MiraklDateTimeField(required=False)
    with_messages = serializers.BooleanField(required=False, default=False)
    channel_codes = CommaListField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100)
    page_token = serializers.CharField(required=False)

    def validate(self, attrs):
        if attrs.get("entity_id") and not attrs.get("entity_type"):
            raise serializers.ValidationError(
                {"entity_id": [_("Give entity_type to filter on entity_id.")]}
            )
        return attrs


# --- Reads -----------------------------------------------------------------------------------


class SeekPagination(CursorPagination):
    """Mirakl's seek pagination (`limit`, `page_token`) on the inbox's own order and index."""

    cursor_query_param = "page_token"
    page_size_query_param = "limit"
    max_page_size = 100
    ordering = ("-last_message_at", "-id")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise serializers.ValidationError(
                {"page_token": [_("This page token is not valid.")]}
            ) from None

    def token(self, link: str | None) -> str | None:
        if not link:
            return None
        return parse_qs(urlparse(link).query).get(self.cursor_query_param, [None])[0]


def _filtered_threads(shop, params):
    queryset = (
        selectors.thread_detail_queryset(shop=shop)
        if params["with_messages"]
        else selectors.thread_list(shop=shop)
    )
    queryset = queryset.annotate(message_count=Count("messages"))
    entity_type = params.get("entity_type")
    if entity_type == ORDER_ENTITY:
        queryset = queryset.filter(order__isnull=False)
        if params.get("entity_id"):
            queryset = queryset.filter(order__reference__in=params["entity_id"])
    elif entity_type == SELLER_OPERATOR_ENTITY:
        queryset = queryset.filter(order__isnull=True)
        if params.get("entity_id") and str(shop.pk) not in params["entity_id"]:
            queryset = queryset.none()
    elif entity_type in ENTITY_TYPES_WITHOUT_THREADS:
        queryset = queryset.none()  # SellerDesk has no offer or service threads
    elif entity_type is not None:
        raise MiraklError(
            _("Unknown entity_type."),
            code="VALIDATION_ERROR",
            fields={"entity_type": [_("Use MMP_ORDER or SELLER_OPERATOR.")]},
        )
    if params.get("updated_since"):
        since = params["updated_since"]
        queryset = queryset.filter(Q(last_message_at__gte=since) | Q(no_reply_needed_at__gte=since))
    return queryset


class ThreadListView(MiraklView):
    """M11 (GET): the shop's threads, newest activity first, seek-paginated. M14 (POST): start
    a thread with the operator."""

    def get(self, request):
        params = self.query(ThreadListQuery)
        if params.get("channel_codes"):
            raise MiraklError(
                _("SellerDesk has no sales channels: channel_codes is not supported."),
                code="CHANNELS_NOT_SUPPORTED",
                fields={"channel_codes": [_("Not supported.")]},
            )
        paginator = SeekPagination()
        page = paginator.paginate_queryset(_filtered_threads(self.shop, params), request, self)
        data = []
        for thread in page:
            messages = None
            if params["with_messages"]:
                messages = list(thread.messages.all())[-MESSAGES_PER_THREAD_IN_LISTS:]
            data.append(
                thread_representation(thread, messages=messages, message_count=thread.message_count)
            )
        body = {"data": data}
        for key, link in (
            ("next_page_token", paginator.get_next_link()),
            ("previous_page_token", paginator.get_previous_link()),
        ):
            token = paginator.token(link)
            if token:
                body[key] = token
        return Response(body)

    @idempotent
    def post(self, request):
        data = _valid_part(OperatorThreadInput, request, "thread_input")
        if data["entity"]["type"] not in SHOP_ENTITY_TYPES:
            raise MiraklError(
                _("M14 starts a thread with the operator about the shop; use OR43 for an order."),
                code="ENTITY_TYPE_NOT_SUPPORTED",
                fields={"thread_input.entity.type": [_("Use SELLER_OPERATOR.")]},
            )
        return _thread_started(
            request, shop=self.shop, order=None, data=data, to_customer=False, to_operator=True
        )


class ThreadDetailView(MiraklView):
    """M10: one thread with every message (reading it through the API does not mark it read)."""

    def get(self, request, thread_id):
        pk = _thread(self.shop, thread_id).pk
        thread = selectors.thread_detail_queryset(shop=self.shop).get(pk=pk)
        messages = list(thread.messages.all())
        return Response(
            thread_representation(thread, messages=messages, message_count=len(messages))
        )


class ThreadMessageView(MiraklView):
    """M12: the shop replies in a thread, with attachments (`files`)."""

    @idempotent
    def post(self, request, thread_id):
        thread = _thread(self.shop, thread_id)
        data = _valid_part(MessageInput, request, "message_input")
        topic_unchanged_check(thread, data.get("topic"))
        to_customer, to_operator = recipients_of(item["type"] for item in data["to"])
        message = services.message_post(
            thread=thread,
            body=data["body"],
            to_customer=to_customer,
            to_operator=to_operator,
            acting_user=request.user,
            attachments=request.FILES.getlist("files"),
        )
        return Response(
            {"thread_id": str(thread.pk), "message_id": str(message.pk)},
            status=status.HTTP_201_CREATED,
        )


class AttachmentDownloadView(MiraklView):
    """M13: an attachment of one of the shop's messages, always as a download."""

    def get(self, request, attachment_id):
        pk = int_id(attachment_id)
        attachment = Attachment.objects.for_shop(self.shop).filter(pk=pk).first() if pk else None
        if attachment is None:
            raise NotFound()
        response = attachment_response(attachment)
        # Mirakl serves every attachment as bytes; the name in Content-Disposition keeps the type.
        response["Content-Type"] = "application/octet-stream"
        return response


class OrderThreadView(MiraklView):
    """OR43: the shop starts a thread on an order, to the customer, the operator or both."""

    mirakl_error_codes = {"not_found": "ORDER_NOT_FOUND"}

    @idempotent
    def post(self, request, order_id):
        order = Order.objects.for_shop(self.shop).filter(reference=order_id).first()
        if order is None:
            raise NotFound()
        data = _valid_part(OrderThreadInput, request, "thread_input")
        to_customer, to_operator = recipients_of(data["to"])
        return _thread_started(
            request,
            shop=self.shop,
            order=order,
            data=data,
            to_customer=to_customer,
            to_operator=to_operator,
        )
