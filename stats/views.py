"""The seller's dashboard: quality statistics as tiles and daily charts."""

from django.shortcuts import render
from django.views import View

from sellerdesk.errors import DomainError
from sellerdesk.tenancy import SellerRequired
from stats import presentation, selectors
from stats.periods import DEFAULT_PERIOD, PERIOD_CHOICES, parse_period


class DashboardView(SellerRequired, View):
    def get(self, request):
        status = 200
        try:
            period = parse_period(request.GET.get("period"))
        except DomainError:
            # A hand-edited URL: show the default period rather than an error page.
            period, status = DEFAULT_PERIOD, 400
        stats = selectors.shop_quality(shop=self.shop, period=period)
        series = selectors.daily_series(shop=self.shop, period=stats.period)
        context = {
            "stats": stats,
            "period": stats.period,
            "period_choices": PERIOD_CHOICES,
            "period_error": status == 400,
            "tiles": presentation.dashboard_tiles(stats),
            "charts": presentation.dashboard_charts(series),
        }
        return render(request, "stats/dashboard.html", context, status=status)
