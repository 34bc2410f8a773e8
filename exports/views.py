"""Exports from each list page (the page's filters) and the API (the API's filters), and the
operator's export of every shop's quality figures (from the admin's quality overview)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from exports import lists
from exports.writers import FORMATS, XLSX_TYPE, export_response, iterate
from incidents import selectors as incident_selectors
from incidents.filters import IncidentFilter, IncidentPageFilter
from messaging import selectors as messaging_selectors
from messaging.filters import ThreadFilter, ThreadPageFilter
from refunds import selectors as refund_selectors
from refunds.filters import RefundFilter, RefundPageFilter
from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired, SellerScopedAPI

LISTS = {
    # name: (queryset of a shop, page filter, API filter, rows, columns)
    "threads": (
        lambda shop: messaging_selectors.thread_list(shop=shop),
        ThreadPageFilter,
        ThreadFilter,
        lists.thread_rows,
        lists.thread_columns,
    ),
    "incidents": (
        lambda shop: incident_selectors.incident_list(shop=shop),
        IncidentPageFilter,
        IncidentFilter,
        lists.incident_rows,
        lists.incident_columns,
    ),
    "refunds": (
        lambda shop: refund_selectors.refund_list(shop=shop),
        RefundPageFilter,
        RefundFilter,
        lists.refund_rows,
        lists.refund_columns,
    ),
}


def _export(request, *, shop, name: str, file_format: str, api: bool):
    if file_format not in FORMATS:
        raise Http404
    queryset_of, page_filter, api_filter, rows_of, columns_of = LISTS[name]
    params = request.query_params if api else request.GET
    filterset = (api_filter if api else page_filter)(
        params, queryset=queryset_of(shop), request=request
    )
    if not filterset.is_valid():
        raise DomainError(
            _("Check the filters."),
            code="invalid",
            fields={field: [str(e) for e in errors] for field, errors in filterset.errors.items()},
        )
    stamp = timezone.localtime(timezone.now(), shop.tzinfo).strftime("%Y%m%d-%H%M")
    return export_response(
        file_format=file_format,
        filename=f"{name}-{shop.code}-{stamp}",
        columns=columns_of(),
        rows=iterate(rows_of(filterset.qs)),
        tz=shop.tzinfo,
    )


class ListExportView(SellerRequired, View):
    """/messages/export.csv, /incidents/export.xlsx…: the list as the seller filtered it."""

    name = ""
    list_url = ""

    def get(self, request, file_format):
        try:
            return _export(
                request, shop=self.shop, name=self.name, file_format=file_format, api=False
            )
        except DomainError as error:
            messages.error(request, " ".join(str(m) for ms in error.fields.values() for m in ms))
            return redirect(self.list_url)


class ListExportApi(SellerScopedAPI, APIView):
    """GET /api/v1/<list>/export.csv|xlsx with the list's filters: a file, one row per object."""

    name = ""

    @extend_schema(
        description=gettext_lazy(
            "The list as a file (one row per object), with the list endpoint's own filters as "
            "query parameters; file_format is csv or xlsx."
        ),
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, file_format):
        return _export(request, shop=self.shop, name=self.name, file_format=file_format, api=True)
