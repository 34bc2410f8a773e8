"""REST API of reply templates: `/api/v1/reply-templates/` (the shop's own and the marketplace's,
which are read-only for sellers) and `.../{id}/fill/` for one thread."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.models import Thread
from replies import selectors, services
from replies.models import ReplyTemplate
from replies.variables import VARIABLES
from sellerdesk.api.pagination import CursorPagination
from sellerdesk.api.views import get_or_404
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent
from sellerdesk.tenancy import SellerScopedAPI


class TemplateReadOnly(DomainError):
    status_code = 403


class TemplateAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class ReplyTemplateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    language = serializers.CharField()
    body = serializers.CharField()
    marketplace_wide = serializers.BooleanField(source="is_marketplace_wide")
    reasons = serializers.SerializerMethodField()
    attachments = TemplateAttachmentOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_reasons(self, template) -> list[str]:
        return [reason.code for reason in template.reasons.all()]


class ReplyTemplateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    language = serializers.CharField(max_length=8, default="es")
    body = serializers.CharField(max_length=services.MAX_BODY_LENGTH)
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=50
    )


class FillInput(serializers.Serializer):
    thread = serializers.IntegerField()


class FillOutput(serializers.Serializer):
    template = serializers.IntegerField(source="template.id")
    body = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.ChoiceField(choices=list(VARIABLES)),
        help_text=_("Variables the thread's order cannot fill; they stay in the text as written."),
    )


def _valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _output(template_id, shop, status_code=status.HTTP_200_OK) -> Response:
    template = selectors.templates_usable(shop=shop).get(pk=template_id)
    return Response(ReplyTemplateOutput(template).data, status=status_code)


class TemplatePagination(CursorPagination):
    ordering = ("name", "id")


MULTIPART = {"application/json": ReplyTemplateInput, "multipart/form-data": ReplyTemplateInput}


@extend_schema(
    parameters=[
        OpenApiParameter("language", enum=["es", "en"], required=False),
        OpenApiParameter("reason", str, required=False, description=_("A message reason code")),
    ]
)
class ReplyTemplateListApi(SellerScopedAPI, generics.ListAPIView):
    """The templates the shop can insert: its own and the marketplace-wide ones. POST adds one
    to the shop (an unknown variable is refused with the list of valid ones)."""

    serializer_class = ReplyTemplateOutput
    pagination_class = TemplatePagination

    def get_queryset(self):
        queryset = selectors.templates_usable(shop=self.shop)
        params = self.request.query_params
        if params.get("language"):
            queryset = queryset.filter(language=params["language"])
        if params.get("reason"):
            queryset = queryset.filter(reasons__code=params["reason"], reasons__kind="message")
        return queryset

    @extend_schema(request=MULTIPART, responses={201: ReplyTemplateOutput})
    @idempotent
    def post(self, request):
        data = _valid(ReplyTemplateInput, request)
        template = services.reply_template_create(
            shop=self.shop,
            name=data["name"],
            language=data["language"],
            body=data["body"],
            reason_codes=data["reasons"],
            attachments=data["attachments"],
            acting_user=request.user,
        )
        return _output(template.pk, self.shop, status.HTTP_201_CREATED)


class ReplyTemplateDetailApi(SellerScopedAPI, APIView):
    """One template. Only the shop's own may be changed or deleted: a marketplace-wide one
    answers 403 `template_read_only`."""

    def _own(self, pk) -> ReplyTemplate:
        template = get_or_404(selectors.templates_usable(shop=self.shop), pk=pk)
        if template.is_marketplace_wide and self.request.method != "GET":
            raise TemplateReadOnly(
                _("This template is the marketplace's: copy it to change it."),
                code="template_read_only",
            )
        return template

    @extend_schema(responses=ReplyTemplateOutput)
    def get(self, request, pk):
        return _output(self._own(pk).pk, self.shop)

    @extend_schema(request=MULTIPART, responses=ReplyTemplateOutput)
    def patch(self, request, pk):
        template = self._own(pk)
        data = _valid(ReplyTemplateInput, request, partial=True)
        services.reply_template_update(
            template=template,
            name=data.get("name", template.name),
            language=data.get("language", template.language),
            body=data.get("body", template.body),
            reason_codes=data.get("reasons") if "reasons" in request.data else None,
            attachments=data.get("attachments", []),
        )
        return _output(template.pk, self.shop)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        services.reply_template_delete(template=self._own(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReplyTemplateFillApi(SellerScopedAPI, APIView):
    """The template's text for one of the shop's threads, and the variables its order cannot
    fill (show them before sending). Writes nothing."""

    @extend_schema(request=FillInput, responses=FillOutput)
    def post(self, request, pk):
        template = get_or_404(selectors.templates_usable(shop=self.shop), pk=pk)
        data = _valid(FillInput, request)
        thread = get_or_404(
            Thread.objects.for_shop(self.shop).select_related("order", "shop"), pk=data["thread"]
        )
        filled = services.reply_template_fill(template=template, thread=thread)
        return Response(FillOutput(filled).data)
