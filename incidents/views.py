"""The seller's incident pages: Customer care > Incidents, one incident, and "mark as resolved"
(from the incident page or from the incidents panel of the order page)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from incidents import selectors, services
from incidents.filters import IncidentPageListFilter
from incidents.forms import IncidentResolveForm, resolve_prefix
from incidents.models import Incident, IncidentOpenedBy, IncidentState
from incidents.reasons import close_reason_choices
from orders import selectors as order_selectors
from orders.views import render_order_page
from sellerdesk.errors import DomainError, InvalidState
from sellerdesk.tenancy import SellerRequired

PAGE_SIZE = 25


def _incident_or_404(shop, pk) -> Incident:
    try:
        return selectors.incident_get(shop=shop, pk=pk)
    except Incident.DoesNotExist:
        raise Http404 from None


class IncidentListView(SellerRequired, View):
    def get(self, request):
        incident_filter = IncidentPageListFilter(
            request.GET, queryset=selectors.incident_list(shop=self.shop)
        )
        page = Paginator(incident_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "incidents/incident_list.html",
            {
                "filter": incident_filter,
                "page": page,
                "query": query.urlencode(),
                "states": IncidentState,
                "opened_by_choices": IncidentOpenedBy,
            },
        )


def render_incident_page(request, incident, *, form=None, status=200):
    if incident.state == IncidentState.OPEN:
        form = form or IncidentResolveForm(prefix=resolve_prefix(incident))
    else:
        form = None
    return render(
        request,
        "incidents/incident_detail.html",
        {"incident": incident, "order": incident.order, "resolve_form": form},
        status=status,
    )


class IncidentDetailView(SellerRequired, View):
    def get(self, request, pk):
        return render_incident_page(request, _incident_or_404(self.shop, pk))


class IncidentResolveView(SellerRequired, View):
    """POST "mark as resolved". A refusal comes back on the page it came from, next to the form,
    with 400 (invalid input) or 409 (the incident is no longer open); nothing is written."""

    def post(self, request, pk):
        incident = _incident_or_404(self.shop, pk)
        from_order_page = request.POST.get("return_to") == "order"
        form = IncidentResolveForm(request.POST, prefix=resolve_prefix(incident))
        if not form.is_valid():
            return self._refused(request, incident, form, 400, from_order_page)
        try:
            services.incident_mark_resolved(
                incident=incident,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                acting_user=request.user,
            )
        except DomainError as error:
            placed = False
            for field, field_errors in error.fields.items():
                if field in form.fields:
                    for message in field_errors:
                        form.add_error(field, str(message))
                    placed = True
            if not placed:
                form.add_error(None, str(error.detail))
            if isinstance(error, InvalidState):
                # The incident changed meanwhile: its form may no longer be on the page.
                messages.error(request, str(error.detail))
            return self._refused(request, incident, form, error.status_code, from_order_page)
        messages.success(
            request,
            _("Incident #%(id)s is marked as resolved: it now waits for the operator.")
            % {"id": incident.pk},
        )
        if from_order_page:
            return redirect("order-detail", pk=incident.order_id)
        return redirect("incident-detail", pk=incident.pk)

    def _refused(self, request, incident, form, status, from_order_page):
        incident = _incident_or_404(self.shop, incident.pk)  # as it is now
        if from_order_page:
            request.incident_resolve_forms = {incident.pk: form}
            order = order_selectors.order_get(shop=self.shop, pk=incident.order_id)
            return render_order_page(request, order, status=status)
        return render_incident_page(request, incident, form=form, status=status)


def order_panel_context(order, request) -> dict:
    """The incidents panel of the order page: two queries whatever the number of incidents."""
    incidents = list(selectors.order_incidents(order=order, with_events=True))
    bound_forms = getattr(request, "incident_resolve_forms", {})
    open_incidents = [incident for incident in incidents if incident.state == IncidentState.OPEN]
    # The closing reasons are read once for every form of the panel.
    close_choices = close_reason_choices() if open_incidents else []
    for incident in open_incidents:
        incident.resolve_form = bound_forms.get(incident.pk) or IncidentResolveForm(
            prefix=resolve_prefix(incident), close_choices=close_choices
        )
    return {
        "order": order,
        "incidents": incidents,
        "blocking": [incident for incident in incidents if incident.state != IncidentState.CLOSED],
    }
