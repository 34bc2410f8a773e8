"""The seller's message pages: the inbox, a thread, starting a conversation, downloads."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from hours.selectors import shop_calendar_cached, thread_forecasts
from messaging import selectors, services
from messaging.attachments import content_disposition
from messaging.filters import DEADLINE_CHOICES, PARTICIPANT_CHOICES, ThreadPageFilter
from messaging.forms import InboxBulkForm, NoReplyNeededForm, ReplyForm, ThreadStartForm
from messaging.models import Attachment, DeadlineStatus, ReasonKind, Side, Thread
from messaging.search import SEARCH_LIMIT, snippet_html
from messaging.selectors import AWAITING_REPLY, deadline_q
from orders.models import Order
from orders.selectors import order_get
from replies import selectors as replies_selectors
from replies.services import reply_template_fill, template_files
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent_form
from sellerdesk.tenancy import SellerRequired
from sellerdesk.validation import BIGINT_MAX, storable_datetime

PAGE_SIZE = 25
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download whatever its type, under its safe name, never sniffed or rendered."""
    try:
        handle = attachment.open()
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.filename)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _form_errors_from(form, error: DomainError) -> None:
    """Put a refused service call's message next to the field it concerns."""
    fields = error.fields or {}
    if "attachments" in fields and "attachments" in form.fields:
        # The full message says which file, why, and what is allowed.
        form.add_error("attachments", str(error.detail))
        return
    placed = False
    for field, field_messages in fields.items():
        if field in form.fields:
            for message in field_messages:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.detail))


# --- Inbox -----------------------------------------------------------------------------------


def _cursor_encode(thread: Thread) -> str:
    micros = (thread.last_message_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{thread.pk}"


def _cursor_decode(raw: str | None):
    # A cursor is typed into the address bar as easily as it is followed: anything that is not
    # two ASCII integers naming a storable time and a bigint id is ignored (the first page).
    try:
        micros, pk = (int(part) for part in (raw or "").split("_") if part.isascii())
        at = storable_datetime(EPOCH + timedelta(microseconds=micros))
    except (ValueError, OverflowError):
        return None
    if at is None or not 0 < pk <= BIGINT_MAX:
        return None
    return at, pk


def keyset_page(queryset, *, before: str | None, after: str | None, size: int = PAGE_SIZE):
    """One page of a list ordered by (-last_message_at, -id), found by position, not OFFSET:
    the same cost on page 1 and on page 10,000. Answers (rows, older cursor, newer cursor)."""
    older_than, newer_than = _cursor_decode(before), _cursor_decode(after)
    if newer_than:
        at, pk = newer_than
        queryset = queryset.filter(
            Q(last_message_at__gt=at) | Q(last_message_at=at, pk__gt=pk)
        ).order_by("last_message_at", "id")
    elif older_than:
        at, pk = older_than
        queryset = queryset.filter(Q(last_message_at__lt=at) | Q(last_message_at=at, pk__lt=pk))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if newer_than:
        rows.reverse()
        has_older, has_newer = True, more
    else:
        has_older, has_newer = more, bool(older_than)
    older = _cursor_encode(rows[-1]) if rows and has_older else None
    newer = _cursor_encode(rows[0]) if rows and has_newer else None
    return rows, older, newer


# The inbox's views, in the URL as ?view=: the seller's triage (what awaits a reply, soonest
# due first, then the rest by latest activity), or simply everything by latest activity.
VIEW_TRIAGE, VIEW_LATEST = "awaiting", "latest"
VIEWS = [
    (VIEW_TRIAGE, gettext_lazy("Awaiting your reply first")),
    (VIEW_LATEST, gettext_lazy("Latest activity")),
]
# More awaiting threads than a page on one screen is a backlog: the most urgent page heads the
# inbox and the rest are one click away (a hundred rows took a phone several screens to scroll
# and the page ~50 ms to render).
AWAITING_SHOWN = PAGE_SIZE


class ThreadListView(SellerRequired, View):
    def get(self, request):
        view = request.GET.get("view")
        if view not in dict(VIEWS):
            view = VIEW_TRIAGE
        now = timezone.now()
        thread_filter = ThreadPageFilter(
            request.GET, queryset=selectors.thread_list(shop=self.shop, now=now), request=request
        )
        before, after = request.GET.get("before"), request.GET.get("after")
        awaiting, awaiting_more = [], False
        search = (request.GET.get("q") or "").strip()
        if search:
            # Ranked, best first: the first matches, not pages by date (and no triage split).
            rows, older, newer = list(thread_filter.qs[:SEARCH_LIMIT]), None, None
            for row in rows:
                row.snippet = snippet_html(getattr(row, "search_passage", ""), search)
        else:
            rest = thread_filter.qs
            if view == VIEW_TRIAGE:
                rest = rest.filter(deadline_q(DeadlineStatus.NONE, now=now))
                if not (before or after):  # the awaiting part heads the first page only
                    due_first = thread_filter.qs.filter(
                        deadline_q(AWAITING_REPLY, now=now)
                    ).order_by("reply_due_at", "id")
                    awaiting = list(due_first[: AWAITING_SHOWN + 1])
                    awaiting_more = len(awaiting) > AWAITING_SHOWN
                    awaiting = awaiting[:AWAITING_SHOWN]
            rows, older, newer = keyset_page(rest, before=before, after=after)
        thread_forecasts([*awaiting, *rows], calendar=shop_calendar_cached(shop=self.shop))
        # get_last_message_author_display() per row rebuilt its choices' dict every time.
        authors = {value: str(label) for value, label in Side.choices}
        for thread in [*awaiting, *rows]:
            thread.author_label = authors.get(
                thread.last_message_author, thread.last_message_author
            )
        query = request.GET.copy()
        for name in ("before", "after"):
            query.pop(name, None)
        filtered = any(value for key, value in query.items() if key != "view")
        context = {
            "filter": thread_filter,
            "view": view,
            "views": VIEWS,
            "awaiting": awaiting,
            "awaiting_more": awaiting_more,
            "search": search,
            "search_limit": SEARCH_LIMIT,
            "threads": rows,
            "older": older,
            "newer": newer,
            "query": query.urlencode(),
            "filtered": filtered,
            "reasons": selectors.reasons_for(kind=ReasonKind.MESSAGE),
            "deadline_choices": DEADLINE_CHOICES,
            "participant_choices": PARTICIPANT_CHOICES,
            "unread_count": selectors.unread_count(shop=self.shop),
            "deadline_hours": settings.REPLY_DEADLINE_HOURS,
            "bulk_form": InboxBulkForm(),
            "now": now,
        }
        if request.htmx:  # the "new messages" notice reloads the list alone
            return render(request, "messaging/includes/inbox_list.html", context)
        return render(request, "messaging/thread_list.html", context)


class InboxUpdatesView(SellerRequired, View):
    """Polled by the inbox (htmx): a notice when messages arrived since the page was shown."""

    def get(self, request):
        try:
            since = datetime.fromisoformat(request.GET.get("since", ""))
        except ValueError:
            return HttpResponse(status=400)
        if timezone.is_naive(since):
            return HttpResponse(status=400)
        arrived = selectors.threads_with_incoming_since(shop=self.shop, since=since)
        list_url = request.GET.get("list", "")
        if not list_url.startswith(reverse("thread-list")):  # only ever the inbox itself
            list_url = reverse("thread-list")
        return render(
            request,
            "messaging/includes/inbox_updates.html",
            {"arrived": arrived, "since": since, "list_url": list_url},
        )


class InboxBulkView(SellerRequired, View):
    """POST one action for the selected conversations, each through its messaging service."""

    def post(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("thread-list")
        ids = [int(pk) for pk in request.POST.getlist("thread") if pk.isdigit()]
        threads = list(Thread.objects.for_shop(self.shop).filter(pk__in=ids))
        form = InboxBulkForm(request.POST, thread_ids=[thread.pk for thread in threads])
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        action, done, skipped = form.cleaned_data["action"], 0, 0
        for thread in threads:
            try:
                if action == InboxBulkForm.MARK_READ:
                    changed = services.thread_mark_read(thread=thread, acting_user=request.user)
                elif action == InboxBulkForm.MARK_UNREAD:
                    changed = services.thread_mark_unread(thread=thread, acting_user=request.user)
                else:
                    services.thread_mark_no_reply_needed(
                        thread=thread, reason=form.cleaned_data["reason"], acting_user=request.user
                    )
                    changed = True
            except DomainError:
                changed = False  # e.g. no longer awaiting a reply: said below, not an error page
            done, skipped = done + changed, skipped + (not changed)
        messages.success(request, _bulk_summary(action, done, skipped))
        return redirect(back)


def _bulk_summary(action: str, done: int, skipped: int) -> str:
    said = {
        InboxBulkForm.MARK_READ: ngettext(
            "%(count)d conversation marked as read.",
            "%(count)d conversations marked as read.",
            done,
        ),
        InboxBulkForm.MARK_UNREAD: ngettext(
            "%(count)d conversation marked as unread.",
            "%(count)d conversations marked as unread.",
            done,
        ),
        InboxBulkForm.NO_REPLY_NEEDED: ngettext(
            "%(count)d conversation marked as needing no reply; its deadline is cleared.",
            "%(count)d conversations marked as needing no reply; their deadlines are cleared.",
            done,
        ),
    }[action] % {"count": done}
    if skipped:
        said += " " + ngettext(
            "%(count)d was already so.", "%(count)d were already so.", skipped
        ) % {"count": skipped}
    return said


# --- One thread ------------------------------------------------------------------------------


def _thread_or_404(shop, pk) -> Thread:
    try:
        return selectors.thread_get(shop=shop, pk=pk)
    except (Thread.DoesNotExist, ValueError):
        raise Http404 from None


def _template_insert(request, thread, reply_form):
    """Without JavaScript, `?template=ID` fills the reply box with that template."""
    suggested = list(
        replies_selectors.templates_for_thread(shop=request.user.shop, thread=thread)[:10]
    )
    chosen = None
    raw = request.GET.get("template") if request.method == "GET" else None
    if raw and raw.isdigit():
        chosen = replies_selectors.templates_usable(shop=request.user.shop).filter(pk=raw).first()
    if chosen is None:
        return suggested, None
    filled = reply_template_fill(template=chosen, thread=thread)
    reply_form.initial.update(body=filled.body, template=chosen.pk)
    return suggested, filled


def render_thread_page(request, thread, *, reply_form=None, no_reply_form=None, status=200):
    reply_form = reply_form or ReplyForm(thread=thread)
    thread_forecasts([thread], calendar=shop_calendar_cached(shop=thread.shop))
    suggested_templates, inserted_template = _template_insert(request, thread, reply_form)
    read_before = getattr(thread, "previously_read_at", thread.shop_last_read_at)
    thread_messages = list(thread.messages.all())
    for message in thread_messages:
        # Highlight what arrived since the shop last opened the thread.
        message.is_new = message.author != Side.SHOP and (
            read_before is None or message.received_at > read_before
        )
    return render(
        request,
        "messaging/thread_detail.html",
        {
            "thread": thread,
            "thread_messages": thread_messages,
            "reply_form": reply_form,
            "suggested_templates": suggested_templates,
            "inserted_template": inserted_template,
            "no_reply_form": no_reply_form or NoReplyNeededForm(),
            "now": timezone.now(),
        },
        status=status,
    )


class ThreadDetailView(SellerRequired, View):
    def get(self, request, pk):
        thread = _thread_or_404(self.shop, pk)
        # Shown as read from now on; the messages that were new are still highlighted this time.
        thread.previously_read_at = thread.shop_last_read_at
        if services.thread_mark_read(thread=thread, acting_user=request.user):
            thread.unread = False
        return render_thread_page(request, thread)


class ThreadNewMessagesView(SellerRequired, View):
    """Polled by the thread page (htmx): the messages that arrived after the last one shown,
    appended to the conversation; 204 (nothing to change) when there is none."""

    def get(self, request, pk):
        thread = _thread_or_404(self.shop, pk)
        try:
            after = int(request.GET.get("after", "0"))
        except ValueError:
            return HttpResponse(status=400)
        arrived = selectors.messages_after(thread=thread, after_id=after)
        if not arrived:
            return HttpResponse(status=204)
        for message in arrived:
            message.is_new = message.author != Side.SHOP
        services.thread_mark_read(thread=thread, acting_user=request.user)  # seen right now
        return render(
            request,
            "messaging/includes/new_messages.html",
            {"thread": thread, "thread_messages": arrived, "last_id": arrived[-1].pk},
        )


class ThreadReplyView(SellerRequired, View):
    @idempotent_form
    def post(self, request, pk):
        thread = _thread_or_404(self.shop, pk)
        form = ReplyForm(request.POST, request.FILES, thread=thread)
        if not form.is_valid():
            return render_thread_page(request, thread, reply_form=form, status=400)
        data = form.cleaned_data
        try:
            services.message_post(
                thread=thread,
                body=data["body"],
                to_customer=data.get("to_customer", False),
                to_operator=data.get("to_operator", False),
                acting_user=request.user,
                attachments=[*data["attachments"], *_template_files(self.shop, data["template"])],
            )
        except DomainError as error:
            _form_errors_from(form, error)
            return render_thread_page(request, thread, reply_form=form, status=error.status_code)
        to_customer, to_operator = data.get("to_customer", False), data.get("to_operator", False)
        if to_customer and to_operator:
            sent = _("Your message was sent to the customer and the operator.")
        elif to_customer:
            sent = _("Your message was sent to the customer.")
        else:
            sent = _("Your message was sent to the operator.")
        messages.success(request, sent)
        return redirect("thread-detail", pk=thread.pk)


def _template_files(shop, template_id) -> list:
    """The files of the reply template the seller inserted (one of theirs or the marketplace's)."""
    if not template_id:
        return []
    template = replies_selectors.templates_usable(shop=shop).filter(pk=template_id).first()
    return template_files(template) if template is not None else []


class ThreadNoReplyNeededView(SellerRequired, View):
    def post(self, request, pk):
        thread = _thread_or_404(self.shop, pk)
        form = NoReplyNeededForm(request.POST)
        if not form.is_valid():
            return render_thread_page(request, thread, no_reply_form=form, status=400)
        try:
            services.thread_mark_no_reply_needed(
                thread=thread, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except DomainError as error:
            _form_errors_from(form, error)
            return render_thread_page(request, thread, no_reply_form=form, status=error.status_code)
        messages.success(
            request,
            _("Marked as needing no reply: the deadline is cleared and the operator sees why."),
        )
        return redirect("thread-detail", pk=thread.pk)


# --- Starting a conversation -----------------------------------------------------------------


def _order_or_404(shop, pk) -> Order:
    try:
        return order_get(shop=shop, pk=pk)
    except (Order.DoesNotExist, ValueError):
        raise Http404 from None


class _ThreadStartView(SellerRequired, View):
    template_name = "messaging/thread_start.html"

    def get_order(self, pk):
        return None

    def render_form(self, request, order, form, status=200):
        return render(request, self.template_name, {"order": order, "form": form}, status=status)

    def make_form(self, order, *args):
        return ThreadStartForm(
            *args,
            reasons=selectors.reasons_for(kind=ReasonKind.MESSAGE),
            with_order=order is not None,
        )

    def get(self, request, pk=None):
        order = self.get_order(pk)
        form = self.make_form(order)
        if order is not None and request.GET.get("recipient") in ("customer", "operator"):
            form.initial["recipient"] = request.GET["recipient"]
        return self.render_form(request, order, form)

    @idempotent_form
    def post(self, request, pk=None):
        order = self.get_order(pk)
        form = self.make_form(order, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, order, form, status=400)
        data = form.cleaned_data
        recipient = data.get("recipient", "operator")
        try:
            thread = services.thread_start(
                shop=self.shop,
                order=order,
                reason_code=data["reason"],
                subject=data["subject"],
                body=data["body"],
                to_customer=recipient == "customer",
                to_operator=recipient == "operator",
                acting_user=request.user,
                attachments=data["attachments"],
            )
        except DomainError as error:
            _form_errors_from(form, error)
            return self.render_form(request, order, form, status=error.status_code)
        messages.success(
            request,
            _("Conversation “%(subject)s” started with the %(recipient)s.")
            % {
                "subject": thread.subject,
                "recipient": _("customer") if recipient == "customer" else _("operator"),
            },
        )
        return redirect("thread-detail", pk=thread.pk)


class OrderThreadStartView(_ThreadStartView):
    """From the order page: a conversation with the customer or the operator about the order."""

    def get_order(self, pk):
        return _order_or_404(self.shop, pk)


class OperatorThreadStartView(_ThreadStartView):
    """A conversation with the operator that is not about one order."""


class AttachmentDownloadView(SellerRequired, View):
    def get(self, request, pk):
        try:
            attachment = selectors.attachment_get(shop=self.shop, pk=pk)
        except Attachment.DoesNotExist:
            raise Http404 from None
        return attachment_response(attachment)
