"""The operator's admin: every shop's threads with the inbox filters, replying as the operator,
downloading attachments, and the reason list.

Threads and messages are read-only here: a reply goes through `message_import`, like the
operator API, so it keeps the thread's times and the order timeline right.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging import selectors, services
from messaging.filters import DEADLINE_CHOICES, PARTICIPANT_CHOICES
from messaging.forms import MultipleFileField, attachment_help
from messaging.models import Attachment, Message, Reason, Side, Thread, unread_q
from messaging.templatetags.messaging_tags import deadline_text
from messaging.views import attachment_response
from orders.models import ACTOR_SIDE_LABELS
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent_form
from sellerdesk.tenancy import ALL_SHOPS


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "label_es", "label_en", "active", "position")
    list_editable = ("label_es", "label_en", "active", "position")
    list_filter = ("kind", "active")
    search_fields = ("code", "label_es", "label_en")
    ordering = ("kind", "position", "code")

    def get_readonly_fields(self, request, obj=None):
        # Threads, incidents and refunds refer to a reason by its code: it never changes.
        return ("kind", "code") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: old threads keep their reason


class DeadlineStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("reply deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return DEADLINE_CHOICES

    def queryset(self, request, queryset):
        if self.value() in dict(DEADLINE_CHOICES):
            return queryset.filter(selectors.deadline_q(self.value(), now=timezone.now()))
        return queryset


class UnreadFilter(admin.SimpleListFilter):
    title = gettext_lazy("read by the shop")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", _("Unread by the shop")), ("no", _("Read by the shop"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(unread_q())
        if self.value() == "no":
            return queryset.exclude(unread_q())
        return queryset


class ParticipantFilter(admin.SimpleListFilter):
    title = gettext_lazy("participant")
    parameter_name = "participant"

    def lookups(self, request, model_admin):
        return PARTICIPANT_CHOICES

    def queryset(self, request, queryset):
        if self.value() in dict(PARTICIPANT_CHOICES):
            return queryset.filter(**{f"with_{self.value()}": True})
        return queryset


def _attachment_links(message) -> str:
    return format_html_join(
        " ",
        '<a href="{}">📎 {}</a>',
        (
            (reverse("admin:messaging_attachment_download", args=[a.pk]), a.filename)
            for a in message.attachments.all()
        ),
    )


class MessageInline(admin.StackedInline):
    model = Message
    fields = ("created_at", "author", "author_user", "recipients_display", "body", "files")
    readonly_fields = fields
    ordering = ("created_at", "id")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author_user")
            .prefetch_related("attachments")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("to"))
    def recipients_display(self, message):
        return ", ".join(str(ACTOR_SIDE_LABELS.get(side, side)) for side in message.recipients)

    @admin.display(description=gettext_lazy("attachments"))
    def files(self, message):
        return _attachment_links(message) or "—"


class OperatorReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=services.MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )
    attachments = MultipleFileField(label=gettext_lazy("Attach files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "shop",
        "order_link",
        "reason",
        "participants_display",
        "last_message_at",
        "last_message_author",
        "deadline",
        "is_unread",
        "no_reply_needed_reason",
    )
    list_filter = (
        "shop",
        DeadlineStatusFilter,
        UnreadFilter,
        ParticipantFilter,
        "reason",
        "last_message_at",
        "created_at",
    )
    search_fields = ("subject", "order__reference", "order__customer_name", "shop__code")
    list_select_related = ("shop", "order", "reason")
    date_hierarchy = "last_message_at"
    inlines = [MessageInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "shop",
                    "order",
                    "reason",
                    "subject",
                    "participants_display",
                    "reply_link",
                )
            },
        ),
        (
            gettext_lazy("Reply deadline"),
            {
                "fields": (
                    "reply_needed_since",
                    "reply_due_at",
                    "deadline",
                    "deadline_flag",
                    "no_reply_needed_reason",
                    "no_reply_needed_at",
                    "no_reply_needed_by",
                )
            },
        ),
        (
            gettext_lazy("Activity"),
            {
                "fields": (
                    "created_at",
                    "last_message_at",
                    "last_message_author",
                    "last_incoming_at",
                    "shop_last_read_at",
                )
            },
        ),
    )
    readonly_fields = (
        "shop",
        "order",
        "reason",
        "subject",
        "participants_display",
        "reply_link",
        "reply_needed_since",
        "reply_due_at",
        "deadline",
        "deadline_flag",
        "no_reply_needed_reason",
        "no_reply_needed_at",
        "no_reply_needed_by",
        "created_at",
        "last_message_at",
        "last_message_author",
        "last_incoming_at",
        "shop_last_read_at",
    )

    def get_queryset(self, request):
        # The deadline status and unread flag are computed in the list query itself.
        return selectors.with_inbox_state(super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # threads start from the shop, the operator API or "reply" below

    def has_delete_permission(self, request, obj=None):
        return False  # the conversation is the record of what was said

    def has_change_permission(self, request, obj=None):
        return False  # read-only page; replies go through reply_view

    @admin.display(description=gettext_lazy("order"), ordering="order__reference")
    def order_link(self, thread):
        if not thread.order_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:orders_order_change", args=[thread.order_id]),
            thread.order.reference,
        )

    @admin.display(description=gettext_lazy("with"))
    def participants_display(self, thread):
        # The sides' labels ("Customer, Operator"), as the message columns and the seller's
        # order page name them.
        return ", ".join(str(Side(side.upper()).label) for side in thread.participants)

    @admin.display(description=gettext_lazy("deadline"), ordering="reply_due_at")
    def deadline(self, thread):
        status = getattr(thread, "deadline_status", None) or selectors.deadline_status_at(
            thread, timezone.now()
        )
        thread.deadline_status = status
        return deadline_text(thread) or "—"

    @admin.display(description=gettext_lazy("unread"), boolean=True)
    def is_unread(self, thread):
        return thread.unread

    @admin.display(description=gettext_lazy("reply"))
    def reply_link(self, thread):
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:messaging_thread_reply", args=[thread.pk]),
            _("Reply as the operator"),
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="messaging_thread_reply",
            ),
            path(
                "attachments/<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="messaging_attachment_download",
            ),
        ]
        return own + super().get_urls()

    @idempotent_form
    def reply_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            thread = selectors.thread_detail_queryset(shop=ALL_SHOPS).get(pk=pk)
        except Thread.DoesNotExist:
            raise Http404 from None
        form = OperatorReplyForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    services.message_import(
                        thread=thread,
                        author=Side.OPERATOR,
                        body=form.cleaned_data["body"],
                        acting_user=request.user,
                        attachments=form.cleaned_data["attachments"],
                    )
                except DomainError as error:
                    form.add_error(
                        "attachments" if "attachments" in (error.fields or {}) else None,
                        str(error.detail),
                    )
                    status = error.status_code
                else:
                    self.message_user(request, _("Your message was sent."), messages.SUCCESS)
                    return redirect("admin:messaging_thread_change", thread.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reply as the operator: %(subject)s") % {"subject": thread.title},
            "thread": thread,
            "thread_messages": thread.messages.all(),
            "form": form,
        }
        return TemplateResponse(
            request, "admin/messaging/thread/reply.html", context, status=status
        )

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            attachment = selectors.attachment_get(shop=ALL_SHOPS, pk=pk)
        except Attachment.DoesNotExist:
            raise Http404 from None
        return attachment_response(attachment)
