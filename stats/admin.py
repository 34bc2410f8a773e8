"""The operator's quality overview: every shop with its numbers, in the admin.

Registered through a proxy of Shop so it has its own entry and permission in the admin index;
its changelist is replaced by the overview (nothing to add, change or delete there).
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.lists import quality_columns
from exports.writers import export_response
from sellerdesk.errors import DomainError
from stats import presentation, selectors
from stats.models import QualityOverview
from stats.periods import DEFAULT_PERIOD, PERIOD_CHOICES, parse_period


@admin.register(QualityOverview)
class QualityOverviewAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # The overview is the only page: no add, change, delete or history views of shops here.
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name=f"{info[0]}_{info[1]}_changelist",
            ),
            path(
                "export.<str:file_format>",
                self.admin_site.admin_view(self.export_view),
                name=f"{info[0]}_{info[1]}_export",
            ),
        ]

    def export_view(self, request, file_format):
        """Every shop's figures of the period as CSV or XLSX (hours and shares, raw)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            period = parse_period(request.GET.get("period"))
        except DomainError:
            period = DEFAULT_PERIOD
        every_shop = sorted(
            selectors.shops_quality(period=period), key=lambda stats: stats.shop.name.lower()
        )
        return export_response(
            file_format=file_format,
            filename=f"quality-{period}-{timezone.localdate():%Y%m%d}",
            columns=quality_columns(),
            rows=every_shop,
            tz=timezone.get_current_timezone(),
        )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        status = 200
        try:
            period = parse_period(request.GET.get("period"))
        except DomainError:
            period, status = DEFAULT_PERIOD, 400
        ordering = request.GET.get("o", "")
        columns = presentation.overview_columns()
        if ordering.lstrip("-") not in {column.key for column in columns} | {"shop"}:
            ordering = "shop"
        rows = presentation.overview_rows(selectors.shops_quality(period=period), ordering=ordering)
        headers = []
        for column in [presentation.Column("shop", _("Shop"), None, None), *columns]:
            active = ordering.lstrip("-") == column.key
            descending = ordering.startswith("-")
            headers.append(
                {
                    "key": column.key,
                    "label": column.label,
                    "active": active,
                    "descending": active and descending,
                    # A second click on the sorted column reverses it.
                    "ordering": f"-{column.key}" if active and not descending else column.key,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Quality overview"),
            "rows": rows,
            "headers": headers,
            "period": period,
            "period_choices": PERIOD_CHOICES,
            "ordering": ordering,
            "period_error": status == 400,
            "thresholds": {
                "incident_rate": presentation.format_rate(settings.STATS_ALERT_INCIDENT_RATE),
                "reply_hours": settings.STATS_ALERT_REPLY_HOURS,
                "overdue": settings.STATS_ALERT_OVERDUE,
            },
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/stats/quality_overview.html", context, status=status
        )
