"""The seller's reply-template pages, and the reply box's template picker (JSON)."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from messaging import selectors as messaging_selectors
from messaging.models import ReasonKind, Thread
from messaging.views import _form_errors_from
from replies import selectors, services
from replies.forms import ReplyTemplateForm
from replies.models import ReplyTemplate
from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired


def _reasons():
    return messaging_selectors.reasons_for(kind=ReasonKind.MESSAGE)


class ReplyTemplateListView(SellerRequired, View):
    def get(self, request):
        templates = selectors.templates_usable(shop=self.shop)
        return render(
            request,
            "replies/template_list.html",
            {
                "own": [item for item in templates if not item.is_marketplace_wide],
                "marketplace": [item for item in templates if item.is_marketplace_wide],
            },
        )


class _TemplateFormView(SellerRequired, View):
    def template_or_none(self, pk):
        return None

    def render_form(self, request, form, template, status=200):
        return render(
            request,
            "replies/template_form.html",
            {"form": form, "template": template},
            status=status,
        )

    def get(self, request, pk=None):
        template = self.template_or_none(pk)
        initial = {"language": request.LANGUAGE_CODE}
        if template is not None:
            initial = {
                "name": template.name,
                "language": template.language,
                "body": template.body,
                "reasons": [reason.code for reason in template.reasons.all()],
            }
        form = ReplyTemplateForm(initial=initial, reasons=_reasons(), template=template)
        return self.render_form(request, form, template)

    def post(self, request, pk=None):
        template = self.template_or_none(pk)
        form = ReplyTemplateForm(request.POST, request.FILES, reasons=_reasons(), template=template)
        if not form.is_valid():
            return self.render_form(request, form, template, status=400)
        data = form.cleaned_data
        try:
            if template is None:
                services.reply_template_create(
                    shop=self.shop,
                    name=data["name"],
                    language=data["language"],
                    body=data["body"],
                    reason_codes=data["reasons"],
                    attachments=data["attachments"],
                    acting_user=request.user,
                )
            else:
                services.reply_template_update(
                    template=template,
                    name=data["name"],
                    language=data["language"],
                    body=data["body"],
                    reason_codes=data["reasons"],
                    attachments=data["attachments"],
                    remove_attachment_ids=data.get("remove_attachments") or [],
                )
        except DomainError as error:
            _form_errors_from(form, error)
            return self.render_form(request, form, template, status=error.status_code)
        messages.success(request, _("Reply template saved."))
        return redirect("reply-template-list")


class ReplyTemplateCreateView(_TemplateFormView):
    pass


def _own_or_404(shop, pk) -> ReplyTemplate:
    try:
        return selectors.templates_own(shop=shop).prefetch_related("attachments").get(pk=pk)
    except ReplyTemplate.DoesNotExist:
        raise Http404 from None


class ReplyTemplateEditView(_TemplateFormView):
    def template_or_none(self, pk):
        return _own_or_404(self.shop, pk)


class ReplyTemplateDeleteView(SellerRequired, View):
    def post(self, request, pk):
        services.reply_template_delete(template=_own_or_404(self.shop, pk))
        messages.success(request, _("Reply template deleted."))
        return redirect("reply-template-list")


def thread_for_templates(shop, pk) -> Thread:
    try:
        return Thread.objects.for_shop(shop).select_related("order", "shop").get(pk=pk)
    except Thread.DoesNotExist:
        raise Http404 from None


class ThreadTemplatePickerView(SellerRequired, View):
    """What the reply box's "/" search shows: the templates matching `q`, suggested ones first,
    each already filled for this thread with the variables it could not fill."""

    LIMIT = 20

    def get(self, request, pk):
        thread = thread_for_templates(self.shop, pk)
        templates = selectors.templates_for_thread(
            shop=self.shop, thread=thread, query=request.GET.get("q", "")
        )[: self.LIMIT]
        results = []
        for template in templates:
            filled = services.reply_template_fill(template=template, thread=thread)
            results.append(
                {
                    "id": template.pk,
                    "name": template.name,
                    "language": template.language,
                    "suggested": template.suggested,
                    "body": filled.body,
                    "missing": filled.missing,
                    "missing_text": (
                        _("The order cannot fill: %(variables)s. Complete them before sending.")
                        % {"variables": ", ".join(filled.missing_labels)}
                        if filled.missing
                        else ""
                    ),
                    "attachments": [item.filename for item in template.attachments.all()],
                }
            )
        return JsonResponse({"results": results})
