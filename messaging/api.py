"""REST API for threads, messages, attachments and reasons (seller and operator endpoints)."""

from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hours.calendar import forecast_for
from hours.selectors import shop_calendar_cached
from messaging import selectors, services
from messaging.events import automatic_subject
from messaging.filters import WHILE_CLOSED, ThreadFilter
from messaging.models import (
    PARTICIPANTS_API,
    Attachment,
    DeadlineStatus,
    ReasonKind,
    Side,
    Thread,
    is_unread,
    reason_label_field,
)
from messaging.search import snippet_html
from messaging.views import attachment_response
from orders.selectors import order_list
from sellerdesk.api.fields import LowerChoiceField, StorableDateTimeField, iso_datetime
from sellerdesk.api.pagination import CursorPagination
from sellerdesk.api.views import FiltersOnlyWhenAsked, get_or_404
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent
from sellerdesk.tenancy import ALL_SHOPS, IsOperator, SellerScopedAPI

# Plain values as labels: the OpenAPI enums are named once (ENUM_NAME_OVERRIDES).
PARTICIPANTS = PARTICIPANTS_API
INCOMING_AUTHORS = PARTICIPANTS_API
SIDES = [(side, side.lower()) for side in Side.values]

# --- Output ----------------------------------------------------------------------------------


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        request = self.context.get("request")
        if request is None:
            # A webhook payload, built outside any request: the seller's address on the site.
            path = reverse("api-attachment-download", args=[attachment.pk])
            return settings.SITE_URL.rstrip("/") + path
        name = (
            "api-attachment-download"
            if request.user.shop_id is not None
            else "api-operator-attachment-download"
        )
        return request.build_absolute_uri(reverse(name, args=[attachment.pk]))


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author = LowerChoiceField(choices=SIDES)
    author_user = serializers.CharField(
        source="author_user.username", default=None, allow_null=True
    )
    to = serializers.ListField(source="recipients", child=serializers.CharField())
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOutput(many=True)


class OrderRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class NoReplyNeededOutput(serializers.Serializer):
    reason = serializers.CharField(source="no_reply_needed_reason")
    at = serializers.DateTimeField(source="no_reply_needed_at")


class ForecastOutput(serializers.Serializer):
    due_while_closed = serializers.BooleanField()
    answer_before = serializers.DateTimeField(allow_null=True)
    reopens_at = serializers.DateTimeField(allow_null=True)


def forecast_output(calendar, now, *, needed_since, due_at) -> dict | None:
    """A thread's `forecast` (serializer and lean list alike): None without the shop's hours,
    when no reply is awaited or already late, or when the deadline falls while it is open."""
    if calendar is None or needed_since is None or due_at <= now:
        return None
    found = forecast_for(calendar, due_at=due_at, now=now)
    if found is None or not found.due_while_closed:
        return None
    return ForecastOutput(found).data


class SearchHitOutput(serializers.Serializer):
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text=_("HTML: the passage, matched words in <mark>."))


class ThreadListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    shop = serializers.CharField(source="shop.code")
    order = OrderRefOutput(allow_null=True)
    customer = serializers.CharField(source="order.customer_name", default=None, allow_null=True)
    subject = serializers.CharField(
        source="title", help_text="In the request's language when SellerDesk wrote it."
    )
    reason = serializers.CharField(source="reason.code")
    reason_label = serializers.CharField(source="reason.label")
    participants = serializers.ListField(child=serializers.CharField())
    unread = serializers.BooleanField()
    last_message_at = serializers.DateTimeField()
    last_message_author = LowerChoiceField(choices=SIDES)
    reply_needed_since = serializers.DateTimeField(allow_null=True)
    reply_due_at = serializers.DateTimeField(allow_null=True)
    deadline_status = serializers.ChoiceField(choices=DeadlineStatus.choices)
    no_reply_needed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    search = serializers.SerializerMethodField()
    forecast = serializers.SerializerMethodField()

    @extend_schema_field(ForecastOutput(allow_null=True))
    def get_forecast(self, thread):
        """For a thread awaiting a reply whose deadline falls while the shop is closed (its
        business hours): the last open moment to answer, and when the shop opens again. Null
        otherwise, and in the operator's lists."""
        return forecast_output(
            self.context.get("calendar"),
            self.context.get("now"),
            needed_since=thread.reply_needed_since,
            due_at=thread.reply_due_at,
        )

    @extend_schema_field(SearchHitOutput(allow_null=True))
    def get_search(self, thread):
        """With `q`: how well the thread matched, and the passage (HTML, words in <mark>)."""
        query = self.context.get("search")
        if not query or not hasattr(thread, "search_rank"):
            return None
        return {
            "rank": round(float(thread.search_rank or 0), 6),
            "snippet": str(snippet_html(thread.search_passage, query)),
        }

    @extend_schema_field(NoReplyNeededOutput(allow_null=True))
    def get_no_reply_needed(self, thread):
        if thread.no_reply_needed_at is None:
            return None
        return NoReplyNeededOutput(thread).data


class ThreadDetailOutput(ThreadListOutput):
    messages = MessageOutput(many=True)


class ReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()


# --- Input -----------------------------------------------------------------------------------


def attachments_field():
    return serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=50
    )


class OrderThreadStartInput(serializers.Serializer):
    recipient = serializers.ChoiceField(choices=PARTICIPANTS)
    reason = serializers.CharField(max_length=50)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    attachments = attachments_field()


class OperatorThreadStartInput(serializers.Serializer):
    reason = serializers.CharField(max_length=50)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    attachments = attachments_field()


class MessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    to = serializers.ListField(
        child=serializers.ChoiceField(choices=PARTICIPANTS),
        required=False,
        help_text=_("Recipients; by default the thread's participants."),
    )
    attachments = attachments_field()


class NoReplyNeededInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ImportedThreadInput(serializers.Serializer):
    author = serializers.ChoiceField(choices=INCOMING_AUTHORS)
    reason = serializers.CharField(max_length=50)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    sent_at = StorableDateTimeField(required=False)
    attachments = attachments_field()

    def validate_sent_at(self, value):
        if value > timezone.now():
            raise serializers.ValidationError(_("This date is in the future."))
        return value


class ImportedMessageInput(serializers.Serializer):
    author = serializers.ChoiceField(choices=INCOMING_AUTHORS)
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    sent_at = StorableDateTimeField(required=False)
    attachments = attachments_field()

    validate_sent_at = ImportedThreadInput.validate_sent_at


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _thread_response(request, shop, thread_id, status_code=status.HTTP_200_OK) -> Response:
    thread = selectors.thread_detail_queryset(shop=shop).get(pk=thread_id)
    return Response(
        ThreadDetailOutput(thread, context={"request": request}).data, status=status_code
    )


def _message_response(request, message) -> Response:
    # The message was just written with its author in hand: only its attachments are read
    # back (one query, not the message again).
    prefetch_related_objects([message], "attachments")
    return Response(
        MessageOutput(message, context={"request": request}).data, status=status.HTTP_201_CREATED
    )


class ThreadPagination(CursorPagination):
    ordering = ("-last_message_at", "-id")


# --- The inbox list's hot path -------------------------------------------------------------------
# The list is the API's busiest read: it builds its rows from one `.values()` query and the small
# mapping below instead of model instances and ThreadListOutput (the same fields and formats,
# checked by a test against the serializer; the OpenAPI schema still comes from ThreadListOutput).

_LIST_COLUMNS = (
    "id",
    "shop__code",
    "order_id",
    "order__reference",
    "order__customer_name",
    "subject",
    "subject_params",
    "reason__code",
    "with_customer",
    "with_operator",
    "last_message_at",
    "last_message_author",
    "last_incoming_at",
    "shop_last_read_at",
    "reply_needed_since",
    "reply_due_at",
    "no_reply_needed_reason",
    "no_reply_needed_at",
    "created_at",
)


_when = iso_datetime  # 7 times per row on the busiest list


def thread_list_item(row: dict, label_key: str, tz, clock) -> dict:
    """One `.values()` row in the shape of ThreadListOutput (`tz`: the current timezone). The
    unread flag and the deadline status are the rules of unread_q and deadline_q applied here
    (is_unread, selectors.deadline_status_of), not CASE annotations compiled into every list
    query; `clock` is (now, the due-soon limit)."""
    order_id = row["order_id"]
    now, due_soon_limit = clock
    return {
        "id": row["id"],
        "shop": row["shop__code"],
        "order": None
        if order_id is None
        else {"id": order_id, "reference": row["order__reference"]},
        "customer": row["order__customer_name"],
        # An automatic subject is rendered in the reader's language, as Thread.title does.
        "subject": automatic_subject(row["subject_params"]) or row["subject"],
        "reason": row["reason__code"],
        "reason_label": row[label_key],
        "participants": [
            side
            for side, present in (
                ("customer", row["with_customer"]),
                ("operator", row["with_operator"]),
            )
            if present
        ],
        "unread": is_unread(row["last_incoming_at"], row["shop_last_read_at"]),
        "last_message_at": _when(row["last_message_at"], tz),
        "last_message_author": row["last_message_author"].lower(),
        "reply_needed_since": _when(row["reply_needed_since"], tz),
        "reply_due_at": _when(row["reply_due_at"], tz),
        "deadline_status": selectors.deadline_status_of(
            row["reply_needed_since"], row["reply_due_at"], now=now, due_soon_limit=due_soon_limit
        ).value,
        "no_reply_needed": None
        if row["no_reply_needed_at"] is None
        else {"reason": row["no_reply_needed_reason"], "at": _when(row["no_reply_needed_at"], tz)},
        "created_at": _when(row["created_at"], tz),
    }


# Deadline filters that are ranges on reply_due_at, not the list's order: their page's ids are
# picked from the index on (shop, reply_due_at) including (last_message_at, id), index-only, and
# only those rows are then read and joined. In one query PostgreSQL read and joined every match
# (2,600 overdue threads of the big shop, 17 ms) to sort them for the page (1-2 ms in two).
DEADLINE_RANGES = frozenset(
    {WHILE_CLOSED, DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.OK}
)


class LeanThreadList(FiltersOnlyWhenAsked):
    """`list()` for the thread list views: keyset page of `.values()` rows, no COUNT."""

    def lean_queryset(self):
        """The list's threads without the annotations and select_related of get_queryset()
        (which the ranked search keeps): `.values()` names the columns it joins."""
        return Thread.objects.for_shop(self.list_shop).order_by("-last_message_at", "-id")

    def list(self, request, *args, **kwargs):
        now = timezone.now()
        queryset = self.filter_queryset(self.lean_queryset())
        label_key = f"reason__{reason_label_field()}"
        columns = (*_LIST_COLUMNS, label_key)
        if request.query_params.get("deadline") in DEADLINE_RANGES:
            keys = self.paginate_queryset(queryset.values("id", "last_message_at"))
            ids = [key["id"] for key in keys]
            rows = {row["id"]: row for row in queryset.filter(pk__in=ids).values(*columns)}
            page = [rows[pk] for pk in ids if pk in rows]  # one answered in between: gone
        else:
            page = self.paginate_queryset(queryset.values(*columns))
        tz = timezone.get_current_timezone()
        clock = (now, now + timedelta(hours=settings.REPLY_DUE_SOON_HOURS))
        items = [thread_list_item(row, label_key, tz, clock) for row in page]
        calendar = self.get_serializer_context().get("calendar")
        for row, item in zip(page, items, strict=True):
            item["search"] = None  # only a search (`q`) ranks: SearchableThreadList
            item["forecast"] = forecast_output(
                calendar, now, needed_since=row["reply_needed_since"], due_at=row["reply_due_at"]
            )
        return self.get_paginated_response(items)


class SearchableThreadList:
    """With `q` the list is ranked, best first: the first `page_size` matches in one page
    (`next` is null), each with its `search` rank and passage."""

    def list(self, request, *args, **kwargs):
        query = (request.query_params.get("q") or "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        rows = list(
            self.filter_queryset(self.get_queryset())[: self.paginator.get_page_size(request)]
        )
        context = {**self.get_serializer_context(), "search": query}
        results = self.get_serializer_class()(rows, many=True, context=context).data
        return Response({"next": None, "previous": None, "results": results})


MULTIPART = ["application/json", "multipart/form-data"]

# --- Seller endpoints ------------------------------------------------------------------------


class ShopCalendarContext:
    """The shop's business hours in the serializer context, for each thread's `forecast`."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.shop is not None:
            context.update(calendar=shop_calendar_cached(shop=self.shop), now=timezone.now())
        return context


class ThreadListApi(
    SellerScopedAPI, ShopCalendarContext, SearchableThreadList, LeanThreadList, generics.ListAPIView
):
    """The shop's threads, newest activity first. POST starts a thread with the operator that
    is not about an order."""

    serializer_class = ThreadListOutput
    filterset_class = ThreadFilter
    pagination_class = ThreadPagination

    def get_queryset(self):
        return selectors.thread_list(shop=self.shop)

    @property
    def list_shop(self):
        return self.shop

    @extend_schema(
        request={
            "application/json": OperatorThreadStartInput,
            "multipart/form-data": OperatorThreadStartInput,
        },
        responses={201: ThreadDetailOutput},
    )
    @idempotent
    def post(self, request):
        data = _valid(OperatorThreadStartInput, request)
        thread = services.thread_start(
            shop=self.shop,
            order=None,
            reason_code=data["reason"],
            subject=data["subject"],
            body=data["body"],
            to_customer=False,
            to_operator=True,
            acting_user=request.user,
            attachments=data["attachments"],
        )
        return _thread_response(request, self.shop, thread.pk, status.HTTP_201_CREATED)


class ThreadDetailApi(SellerScopedAPI, ShopCalendarContext, generics.RetrieveAPIView):
    """One thread with its messages and their attachments (reading it does not mark it read:
    POST .../read/ does)."""

    serializer_class = ThreadDetailOutput

    def get_queryset(self):
        return selectors.thread_detail_queryset(shop=self.shop)


class OrderThreadStartApi(SellerScopedAPI, APIView):
    """Start a conversation about an order, with the customer or the operator."""

    @extend_schema(
        request={
            "application/json": OrderThreadStartInput,
            "multipart/form-data": OrderThreadStartInput,
        },
        responses={201: ThreadDetailOutput},
    )
    @idempotent
    def post(self, request, pk):
        order = get_or_404(order_list(shop=self.shop), pk=pk)
        data = _valid(OrderThreadStartInput, request)
        thread = services.thread_start(
            shop=self.shop,
            order=order,
            reason_code=data["reason"],
            subject=data["subject"],
            body=data["body"],
            to_customer=data["recipient"] == "customer",
            to_operator=data["recipient"] == "operator",
            acting_user=request.user,
            attachments=data["attachments"],
        )
        return _thread_response(request, self.shop, thread.pk, status.HTTP_201_CREATED)


class ThreadMessageCreateApi(SellerScopedAPI, APIView):
    """Reply in a thread (clears its reply deadline)."""

    @extend_schema(
        request={"application/json": MessageInput, "multipart/form-data": MessageInput},
        responses={201: MessageOutput},
    )
    @idempotent
    def post(self, request, pk):
        thread = get_or_404(Thread.objects.for_shop(self.shop), pk=pk)
        data = _valid(MessageInput, request)
        recipients = set(data.get("to") or thread.participants)
        message = services.message_post(
            thread=thread,
            body=data["body"],
            to_customer="customer" in recipients,
            to_operator="operator" in recipients,
            acting_user=request.user,
            attachments=data["attachments"],
        )
        return _message_response(request, message)


@extend_schema(request=None, responses=ThreadDetailOutput)
class ThreadReadApi(SellerScopedAPI, APIView):
    """Mark the thread read for the shop."""

    def post(self, request, pk):
        thread = get_or_404(Thread.objects.for_shop(self.shop), pk=pk)
        services.thread_mark_read(thread=thread, acting_user=request.user)
        return _thread_response(request, self.shop, thread.pk)


@extend_schema(request=NoReplyNeededInput, responses=ThreadDetailOutput)
class ThreadNoReplyNeededApi(SellerScopedAPI, APIView):
    """No reply is needed: clears the deadline, recorded with the reason for the operator."""

    def post(self, request, pk):
        thread = get_or_404(Thread.objects.for_shop(self.shop), pk=pk)
        data = _valid(NoReplyNeededInput, request)
        services.thread_mark_no_reply_needed(
            thread=thread, reason=data["reason"], acting_user=request.user
        )
        return _thread_response(request, self.shop, thread.pk)


# The file's own type (application/pdf, image/png...): any type, as a download.
@extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
class AttachmentDownloadApi(SellerScopedAPI, APIView):
    """The file itself, always as a download."""

    def get(self, request, pk):
        return attachment_response(get_or_404(Attachment.objects.for_shop(self.shop), pk=pk))


@extend_schema(
    parameters=[OpenApiParameter("kind", enum=ReasonKind.values, default=ReasonKind.MESSAGE.value)]
)
class ReasonListApi(SellerScopedAPI, generics.ListAPIView):
    """Reasons of one kind (`message` by default), labelled in the request's language."""

    serializer_class = ReasonOutput
    pagination_class = None

    def get_permissions(self):
        # Operators need the reason list too (to import threads); any signed-in user may read it.
        return [permission() for permission in generics.ListAPIView.permission_classes]

    def get_queryset(self):
        kind = self.request.query_params.get("kind") or ReasonKind.MESSAGE
        if kind not in ReasonKind.values:
            raise DomainError(
                _("Unknown reason kind."),
                code="invalid",
                fields={
                    "kind": [
                        _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ReasonKind.values)}
                    ]
                },
            )
        return selectors.reasons_for(kind=kind)


# --- Operator endpoints ----------------------------------------------------------------------


class OperatorThreadFilter(ThreadFilter):
    shop = django_filters.CharFilter(field_name="shop__code", label=_("Shop code"))


class OperatorThreadListApi(SearchableThreadList, LeanThreadList, generics.ListAPIView):
    """Every shop's threads (filter `shop` by code), with the seller's filters."""

    permission_classes = [IsOperator]
    serializer_class = ThreadListOutput
    filterset_class = OperatorThreadFilter
    pagination_class = ThreadPagination

    list_shop = ALL_SHOPS

    def get_queryset(self):
        return selectors.thread_list(shop=ALL_SHOPS)


class OperatorThreadDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsOperator]
    serializer_class = ThreadDetailOutput

    def get_queryset(self):
        return selectors.thread_detail_queryset(shop=ALL_SHOPS)


class OperatorOrderThreadStartApi(APIView):
    """The customer or the operator opens a thread on an order (`sent_at` to import one)."""

    permission_classes = [IsOperator]

    @extend_schema(
        request={
            "application/json": ImportedThreadInput,
            "multipart/form-data": ImportedThreadInput,
        },
        responses={201: ThreadDetailOutput},
    )
    @idempotent
    def post(self, request, pk):
        order = get_or_404(order_list(shop=ALL_SHOPS), pk=pk)
        data = _valid(ImportedThreadInput, request)
        thread = services.thread_import(
            order=order,
            author=data["author"],
            reason_code=data["reason"],
            subject=data["subject"],
            body=data["body"],
            sent_at=data.get("sent_at"),
            acting_user=request.user,
            attachments=data["attachments"],
        )
        return _thread_response(request, ALL_SHOPS, thread.pk, status.HTTP_201_CREATED)


class OperatorThreadMessageCreateApi(APIView):
    """A customer or operator message in a thread (`sent_at` to import one written earlier)."""

    permission_classes = [IsOperator]

    @extend_schema(
        request={
            "application/json": ImportedMessageInput,
            "multipart/form-data": ImportedMessageInput,
        },
        responses={201: MessageOutput},
    )
    @idempotent
    def post(self, request, pk):
        thread = get_or_404(Thread.objects.for_shop(ALL_SHOPS), pk=pk)
        data = _valid(ImportedMessageInput, request)
        message = services.message_import(
            thread=thread,
            author=data["author"],
            body=data["body"],
            sent_at=data.get("sent_at"),
            acting_user=request.user,
            attachments=data["attachments"],
        )
        return _message_response(request, message)


@extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
class OperatorAttachmentDownloadApi(APIView):
    permission_classes = [IsOperator]

    def get(self, request, pk):
        return attachment_response(get_or_404(Attachment.objects.for_shop(ALL_SHOPS), pk=pk))
