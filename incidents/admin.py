"""The operator's admin for incidents: every shop's, with filters; open, close and reopen go
through the same services as the API, so they are locked, guarded and recorded the same way."""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from incidents import selectors, services
from incidents.forms import IncidentCloseForm, IncidentOpenForm, IncidentReopenForm
from incidents.models import TRANSITIONS, Incident, IncidentAction, IncidentEvent, IncidentState
from incidents.services import OPENABLE_ORDER_STATES
from incidents.templatetags.incident_tags import waiting_label
from orders.admin import register_autocomplete_limit
from orders.admin_columns import TimelineColumns
from sellerdesk.errors import DomainError
from sellerdesk.idempotency import idempotent_form


class WaitingTimeFilter(admin.SimpleListFilter):
    """How long OPEN incidents have waited for the shop."""

    title = gettext_lazy("waiting for the shop")
    parameter_name = "waiting"
    BUCKETS = {
        "lt24": (None, 24),
        "24to48": (24, 48),
        "gt48": (48, None),
    }

    def lookups(self, request, model_admin):
        return [
            ("lt24", gettext_lazy("less than 24 h")),
            ("24to48", gettext_lazy("24 to 48 h")),
            ("gt48", gettext_lazy("more than 48 h")),
        ]

    def queryset(self, request, queryset):
        bucket = self.BUCKETS.get(self.value())
        if bucket is None:
            return queryset
        now = timezone.now()
        least, most = bucket
        queryset = queryset.filter(state=IncidentState.OPEN)
        if least is not None:
            queryset = queryset.filter(waiting_since__lte=now - timedelta(hours=least))
        if most is not None:
            queryset = queryset.filter(waiting_since__gt=now - timedelta(hours=most))
        return queryset


class IncidentEventInline(TimelineColumns, admin.TabularInline):
    model = IncidentEvent
    fields = (
        "created_at",
        "kind",
        "actor",
        "side",
        "from_state_label",
        "to_state_label",
        "reason_display",
        "details",
    )

    @admin.display(description=gettext_lazy("reason"))
    def reason_display(self, event):
        return event.reason_label if event.reason else "—"

    readonly_fields = fields
    ordering = ("created_at", "id")
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("history")

    # The history is written by the services, in the transaction of what it records.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return selectors.with_event_reason_labels(
            super().get_queryset(request).select_related("actor")
        )


# The "open an incident" page's order autocomplete offers only the orders that can have one
# (the service's own rule; it still refuses a typed reference of another order).
register_autocomplete_limit(
    app_label="incidents",
    model_name="incident",
    field_name="order",
    limit=lambda orders: orders.filter(state__in=OPENABLE_ORDER_STATES),
)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "order_link",
        "shop",
        "state",
        "waiting",
        "opened_by",
        "reason_display",
        "opened_at",
        "resolved_at",
        "closed_at",
    )
    list_filter = ("state", "shop", "opened_by", WaitingTimeFilter)
    search_fields = ("order__reference", "description", "=id")
    list_select_related = ("order", "shop")
    date_hierarchy = "opened_at"
    # The open page's order field searches the orders admin by reference (the check that
    # OrderAdmin keeps its search fields comes with it).
    autocomplete_fields = ("order",)
    inlines = [IncidentEventInline]
    actions = ["close_incidents", "reopen_incidents"]
    fields = (
        "shop",
        "order_link",
        "order_line",
        "opened_by",
        "reason_display",
        "description",
        "state",
        "opened_at",
        "waiting_since",
        "last_reminded_at",
        "resolved_at",
        "resolution_reason_display",
        "closed_at",
        "created_by",
    )
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        # An incident's history is the record of a customer's claim.
        return False

    def get_queryset(self, request):
        # The reason labels from the operator's list, in the list's own query.
        return selectors.with_reason_labels(super().get_queryset(request))

    @admin.display(description="#", ordering="id")
    def number(self, incident):
        return f"#{incident.pk}"

    @admin.display(description=gettext_lazy("order"), ordering="order__reference")
    def order_link(self, incident):
        url = reverse("admin:orders_order_change", args=[incident.order_id])
        return format_html('<a href="{}">{}</a>', url, incident.order.reference)

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_display(self, incident):
        return incident.reason_label

    @admin.display(description=gettext_lazy("closing reason"))
    def resolution_reason_display(self, incident):
        return incident.resolution_reason_label or "—"

    @admin.display(description=gettext_lazy("waiting"), ordering="waiting_since")
    def waiting(self, incident):
        return waiting_label(incident) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing here is edited by hand: the actions (close, reopen) change incidents.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Open an incident (the add page) --------------------------------------------------

    @idempotent_form
    def add_view(self, request, form_url="", extra_context=None):
        """Open an incident through `incident_open`: the service's refusals show on the form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        status = 200
        show_lines = "_show_lines" in request.POST
        if request.method == "POST" and not show_lines:
            form = IncidentOpenForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    incident = services.incident_open(
                        order=data["order"],
                        opened_by=data["opened_by"],
                        reason=data["reason"],
                        description=data["description"],
                        line_id=data["line"].pk if data["line"] else None,
                        acting_user=request.user,
                    )
                except DomainError as error:
                    status = error.status_code
                    placed = False
                    for field, field_errors in error.fields.items():
                        if field in form.fields:
                            form.add_error(field, [str(message) for message in field_errors])
                            placed = True
                    if not placed:
                        form.add_error(None, str(error.detail))
                else:
                    self.message_user(
                        request,
                        _("%(incident)s opened on order %(reference)s; the shop is notified.")
                        % {"incident": incident, "reference": incident.order.reference},
                        messages.SUCCESS,
                    )
                    return redirect("admin:incidents_incident_change", incident.pk)
            else:
                status = 400
        elif show_lines:
            form = IncidentOpenForm(initial=request.POST.dict())
        else:
            form = IncidentOpenForm(initial={"order": request.GET.get("order")})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Open an incident"),
            "opts": self.model._meta,
            "form": form,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
            ),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/incidents/incident/open_incident.html", context, status=status
        )

    # --- Close / reopen, with a message ---------------------------------------------------

    def _with_message(self, request, queryset, *, action, transition, form_class, title, run, done):
        """An intermediate page asks for the message; then each incident goes through the
        service on its own (its own transaction): refusals are reported one by one.

        Incidents whose state does not allow the transition (the lifecycle's TRANSITIONS) are
        said at once and left out, before the operator types a message for nothing."""
        incidents = list(queryset.select_related("order").order_by("id"))
        allowed = [i for i in incidents if transition in TRANSITIONS.get(i.state, {})]
        for incident in incidents:
            if incident not in allowed:
                refusal = (
                    _("#%(id)s (%(reference)s) is %(state)s: it cannot be closed; left out.")
                    if transition == IncidentAction.CLOSE
                    else _("#%(id)s (%(reference)s) is %(state)s: it cannot be reopened; left out.")
                )
                self.message_user(
                    request,
                    refusal
                    % {
                        "id": incident.pk,
                        "reference": incident.order.reference,
                        "state": incident.get_state_display().lower(),
                    },
                    messages.WARNING,
                )
        if not allowed:
            return None
        incidents = allowed
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                succeeded, failed = [], []
                for incident in incidents:
                    try:
                        run(incident, form.cleaned_data)
                    except DomainError as error:
                        failed.append(
                            f"#{incident.pk} ({incident.order.reference}): {error.detail}"
                        )
                    else:
                        succeeded.append(f"#{incident.pk}")
                if succeeded:
                    self.message_user(
                        request,
                        done(len(succeeded))
                        % {"count": len(succeeded), "ids": ", ".join(succeeded)},
                        messages.SUCCESS,
                    )
                for failure in failed:
                    self.message_user(request, failure, messages.ERROR)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "incidents": incidents,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request,
            "admin/incidents/incident/action_with_message.html",
            context,
            status=400 if form.is_bound else 200,
        )

    @admin.action(description=gettext_lazy("Close the selected incidents"), permissions=["change"])
    def close_incidents(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action="close_incidents",
            transition=IncidentAction.CLOSE,
            form_class=IncidentCloseForm,
            title=_("Close incidents"),
            run=lambda incident, data: services.incident_close(
                incident=incident,
                acting_user=request.user,
                reason=data["reason"],
                message=data["message"],
            ),
            done=lambda count: ngettext(
                "%(count)d incident closed: %(ids)s.", "%(count)d incidents closed: %(ids)s.", count
            ),
        )

    @admin.action(description=gettext_lazy("Reopen the selected incidents"), permissions=["change"])
    def reopen_incidents(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action="reopen_incidents",
            transition=IncidentAction.REOPEN,
            form_class=IncidentReopenForm,
            title=_("Reopen incidents"),
            run=lambda incident, data: services.incident_reopen(
                incident=incident, acting_user=request.user, message=data["message"]
            ),
            done=lambda count: ngettext(
                "%(count)d incident reopened: %(ids)s.",
                "%(count)d incidents reopened: %(ids)s.",
                count,
            ),
        )
