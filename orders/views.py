"""The seller's order pages: list with filters, detail with actions and timeline."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from orders import selectors, services
from orders.extensions import order_sections
from orders.filters import OrderPageFilter
from orders.forms import ACTION_FORMS, ReasonForm, ShipForm
from orders.models import SELLER_ACTIONS, Order, OrderAction, OrderState
from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired

PAGE_SIZE = 25

ACTION_SERVICES = {
    "accept": services.order_accept,
    "refuse": services.order_refuse,
    "cancel": services.order_cancel,
    "ship": services.order_ship,
}


class OrderListView(SellerRequired, View):
    def get(self, request):
        order_filter = OrderPageFilter(request.GET, queryset=selectors.order_list(shop=self.shop))
        page = Paginator(order_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "orders/order_list.html",
            {
                "filter": order_filter,
                "page": page,
                "query": query.urlencode(),
                "states": OrderState,
            },
        )


def _order_or_404(shop, pk) -> Order:
    try:
        return selectors.order_get(shop=shop, pk=pk)
    except Order.DoesNotExist:
        raise Http404 from None


def render_order_page(request, order, *, forms=None, refusal=None, status=200):
    """The order page, also re-rendered with a refused form's errors next to its fields.

    `refusal` is (action, message) for an action the page no longer offers (e.g. a cancel sent
    from a page opened before the order froze): it is said once, in the actions card."""
    forms = forms or {}
    actions = [] if order.frozen else [a for a in order.allowed_actions() if a in SELLER_ACTIONS]
    panels = []
    for section in order_sections():
        if section.template:
            context = section.page_context(order, request) if section.page_context else {}
            panels.append({"template": section.template, "context": context, "key": section.key})
    # A frozen order is about its incident: that panel comes first, right under the notice.
    top_panels = [panel for panel in panels if order.frozen and panel["key"] == "incidents"]
    panels = [panel for panel in panels if panel not in top_panels]
    if refusal and refusal[0] in actions:
        refusal = None  # the action's own form shows it, next to its fields
    context = {
        "order": order,
        "lines": order.lines.all(),
        "events": selectors.order_events(order=order),
        "actions": actions,
        "action_labels": dict(OrderAction.choices),
        "refuse_form": forms.get("refuse") or ReasonForm(prefix="refuse"),
        "cancel_form": forms.get("cancel") or ReasonForm(prefix="cancel"),
        "ship_form": forms.get("ship") or ShipForm(prefix="ship"),
        "panels": panels,
        "top_panels": top_panels,
        "refusal": refusal[1] if refusal else "",
    }
    return render(request, "orders/order_detail.html", context, status=status)


class OrderDetailView(SellerRequired, View):
    def get(self, request, pk):
        return render_order_page(request, _order_or_404(self.shop, pk))


class OrderActionView(SellerRequired, View):
    """POST one order action; errors come back on the order page, next to the form."""

    def post(self, request, pk, action):
        order = _order_or_404(self.shop, pk)
        if action not in ACTION_SERVICES:
            raise Http404
        form_class = ACTION_FORMS[action]
        form = form_class(request.POST, prefix=action) if form_class else None
        if form is not None and not form.is_valid():
            return render_order_page(request, order, forms={action: form}, status=400)
        try:
            ACTION_SERVICES[action](
                order=order, acting_user=request.user, **(form.cleaned_data if form else {})
            )
        except DomainError as error:
            if form is not None:
                form.add_error(None, str(error.detail))
            return render_order_page(
                request,
                order,
                forms={action: form} if form is not None else {},
                refusal=(action, str(error.detail)),
                status=error.status_code,
            )
        messages.success(request, _success_message(action, order, form))
        return redirect("order-detail", pk=order.pk)


def _success_message(action: str, order: Order, form) -> str:
    """What happened, in the seller's words, and what comes next."""
    data = form.cleaned_data if form is not None else {}
    return {
        "accept": _("Order %(reference)s accepted: ship it next, with its tracking number."),
        "refuse": _("Order %(reference)s refused: the customer is told by the marketplace."),
        "cancel": _("Order %(reference)s canceled before shipment."),
        "ship": _("Order %(reference)s marked as shipped with %(carrier)s, tracking %(tracking)s."),
    }[action] % {
        "reference": order.reference,
        "carrier": data.get("carrier", ""),
        "tracking": data.get("tracking_number", ""),
    }
