"""The seller's refund pages: the list, one refund, and the refund form of an order."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from orders.models import Order
from refunds import selectors, services
from refunds.calculations import load_refundable
from refunds.filters import RefundPageFilter
from refunds.forms import RefundForm
from refunds.models import Refund, RefundState
from sellerdesk.errors import DomainError
from sellerdesk.formatting import format_money
from sellerdesk.idempotency import idempotent_form
from sellerdesk.tenancy import SellerRequired

PAGE_SIZE = 25


class RefundListView(SellerRequired, View):
    def get(self, request):
        refund_filter = RefundPageFilter(
            request.GET, queryset=selectors.refund_list(shop=self.shop)
        )
        page = Paginator(refund_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "refunds/refund_list.html",
            {
                "filter": refund_filter,
                "page": page,
                "query": query.urlencode(),
                "states": RefundState,
            },
        )


class RefundDetailView(SellerRequired, View):
    def get(self, request, pk):
        try:
            refund = selectors.refund_detail_queryset(shop=self.shop).get(pk=pk)
        except Refund.DoesNotExist:
            raise Http404 from None
        return render(request, "refunds/refund_detail.html", {"refund": refund})


def order_refund_refusal(order) -> str:
    """The reason the order cannot be refunded at all, already shown at the top of the form."""
    return selectors.order_refund_summary(order=order).why_not


class OrderRefundCreateView(SellerRequired, View):
    """GET the refund form of an order; POST "preview" shows the breakdown (without JavaScript),
    POST creates the refund. A refused refund comes back next to the form, nothing written."""

    def _order(self, pk) -> Order:
        try:
            return selectors.refundable_order_queryset(shop=self.shop).get(pk=pk)
        except Order.DoesNotExist:
            raise Http404 from None

    def _render(self, request, order, form, *, preview=None, confirming=False, status=200):
        rows = form.bound_line_rows()
        if preview is not None:
            parts = {part.line_id: part for part in preview.breakdown.lines}
            for row in rows:
                row["part"] = parts.get(row["line"].pk)
                row["left"] = preview.remaining.lines[row["line"].pk]
        summary = selectors.order_refund_summary(order=order)
        return render(
            request,
            "refunds/refund_form.html",
            {
                "order": order,
                "form": form,
                "rows": rows,
                "summary": summary,
                "preview": preview,
                "confirming": confirming,
                "customer_first_name": (order.customer_name or "").split(" ")[0],
            },
            status=status,
        )

    def get(self, request, pk):
        order = self._order(pk)
        return self._render(request, order, RefundForm(order=order, balance=load_refundable(order)))

    @idempotent_form
    def post(self, request, pk):
        """Three steps, so that Enter in a field never refunds: "preview" shows the breakdown,
        "Refund…" asks for confirmation with the exact total, and only "confirm" with that same
        total creates it (amounts changed after the question are asked again)."""
        order = self._order(pk)
        form = RefundForm(request.POST, order=order, balance=load_refundable(order))
        previewing = "preview" in request.POST
        if previewing:
            form.fields["reason"].required = False  # the amounts first, the reason at the end
        if not form.is_valid():
            return self._render(request, order, form, status=400)
        try:
            with transaction.atomic():
                preview = selectors.refund_preview(order=order, request=form.refund_request())
        except DomainError as error:
            form.add_domain_error(error, already_shown=order_refund_refusal(order))
            return self._render(request, order, form, status=error.status_code)
        confirmed = request.POST.get("confirm") == "1" and request.POST.get(
            "confirmed_total"
        ) == str(preview.breakdown.total_amount)
        if previewing or not confirmed:
            return self._render(request, order, form, preview=preview, confirming=not previewing)
        try:
            created = services.refund_create(
                order=order,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                request=form.refund_request(),
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error, already_shown=order_refund_refusal(order))
            return self._render(request, order, form, status=error.status_code)
        refund = created.refund
        messages.success(
            request,
            _(
                "Refund #%(id)s of %(total)s to %(customer)s created: it is pending "
                "until the marketplace pays it, and %(customer)s is notified by email."
            )
            % {
                "id": refund.pk,
                "total": format_money(refund.total_amount, refund.currency),
                "customer": order.customer_name,
            },
        )
        return redirect("order-detail", pk=order.pk)
