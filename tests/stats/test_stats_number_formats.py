"""The statistics' numbers go through sellerdesk.formatting (Babel, like the money next to them):
Spanish groups thousands with a dot as its amounts do, and a share is rounded, not truncated."""

from datetime import timedelta

from django.utils.translation import override

from stats import charts, presentation


def test_counts_rates_and_hours_read_like_the_amounts_beside_them():
    with override("es"):
        assert presentation.format_count(23507) == "23.507"
        assert presentation.format_rate(0.92068) == "92,1 %"
        assert presentation.format_hours(timedelta(minutes=135)) == "2,2 h"
        assert charts._default_format(1234567) == "1.234.567"
        assert charts._default_format(2.5) == "2,50"
    with override("en"):
        assert presentation.format_count(23507) == "23,507"
        assert presentation.format_rate(0.92068) == "92.1 %"
        assert charts._default_format(2.5) == "2.50"
