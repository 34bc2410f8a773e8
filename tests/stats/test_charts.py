import re
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import translation

from stats.charts import Series, bar_chart, line_chart, nice_ticks

DAYS = [date(2025, 3, 1) + timedelta(days=offset) for offset in range(7)]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(re.search(r"<svg.*</svg>", markup, re.S).group(0))


def test_a_bar_chart_is_well_formed_svg_with_a_title_and_an_aria_label():
    markup = bar_chart(
        chart_id="c1", title="Answered", days=DAYS, series=[Series("Within 48 h", [1] * 7)]
    )

    svg = _svg(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Answered"
    assert svg.find(f"{SVG}title").text == "Answered"
    assert svg.find(f"{SVG}desc") is not None


def test_stacked_bars_draw_one_rect_per_nonzero_value_and_stack_them():
    markup = bar_chart(
        chart_id="c",
        title="t",
        days=DAYS,
        series=[Series("a", [2, 0, 0, 0, 0, 0, 0]), Series("b", [2, 0, 0, 0, 0, 0, 1])],
    )

    bars = _svg(markup).findall(f".//{SVG}rect[@class]")
    bars = [bar for bar in bars if "bar" in bar.get("class")]
    assert len(bars) == 3
    first, second = bars[0], bars[1]
    # The second series sits on top of the first on the same day, at the same x.
    assert first.get("x") == second.get("x")
    assert float(second.get("y")) + float(second.get("height")) == pytest.approx(
        float(first.get("y")), abs=0.2
    )


def test_grouped_bars_stand_side_by_side():
    markup = bar_chart(
        chart_id="c",
        title="t",
        days=DAYS,
        stacked=False,
        series=[Series("a", [2, 0, 0, 0, 0, 0, 0]), Series("b", [1, 0, 0, 0, 0, 0, 0])],
    )

    bars = [r for r in _svg(markup).iter(f"{SVG}rect") if "bar" in (r.get("class") or "")]
    assert bars[0].get("x") != bars[1].get("x")


def test_the_legend_names_every_series():
    markup = bar_chart(
        chart_id="c",
        title="t",
        days=DAYS,
        series=[Series("Within", [0] * 7), Series("After", [0] * 7)],
    )

    legend = [
        text.text for text in _svg(markup).iter(f"{SVG}text") if text.text in {"Within", "After"}
    ]
    assert legend == ["Within", "After"]


def test_the_numbers_are_also_a_table_in_a_details_element():
    markup = line_chart(
        chart_id="c",
        title="Refunded",
        days=DAYS,
        series=[Series("Amount", [Decimal("10.50"), None, 0, 0, 0, 0, Decimal("3.25")])],
        value_format=lambda value: "—" if value is None else f"{value:.2f} EUR",
    )

    assert "<details" in markup
    assert "<table" in markup
    assert markup.count('<tr><th scope="row">') == 7
    assert "10.50 EUR" in markup
    assert 'datetime="2025-03-01"' in markup


def test_a_missing_value_breaks_the_line():
    markup = line_chart(
        chart_id="c", title="t", days=DAYS, series=[Series("a", [1, 2, None, 4, 5, None, 7])]
    )

    lines = [p for p in _svg(markup).iter(f"{SVG}polyline")]
    assert len(lines) == 3


def test_labels_are_escaped():
    markup = bar_chart(
        chart_id="c", title="<script>x</script>", days=DAYS, series=[Series("a&b", [1] * 7)]
    )

    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "a&amp;b" in markup


def test_a_series_of_the_wrong_length_is_a_programming_error():
    with pytest.raises(ValueError):
        bar_chart(chart_id="c", title="t", days=DAYS, series=[Series("a", [1, 2])])


def test_an_empty_chart_still_has_axes():
    markup = bar_chart(chart_id="c", title="t", days=DAYS, series=[Series("a", [0] * 7)])

    assert _svg(markup).find(f".//{SVG}g[@class='chart-axes']") is not None


@pytest.mark.parametrize(
    ("maximum", "integer", "expected"),
    [
        (0, True, [0, 1]),
        (3, True, [0, 1, 2, 3]),
        (47, True, [0, 10, 20, 30, 40, 50]),
        (0.9, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_ticks_are_round_numbers_reaching_the_maximum(maximum, integer, expected):
    assert nice_ticks(maximum, integer=integer) == pytest.approx(expected)


def test_axis_day_labels_follow_the_language():
    with translation.override("es"):
        markup = bar_chart(chart_id="c", title="t", days=DAYS, series=[Series("a", [1] * 7)])

    assert "mar" in markup.lower()


def test_the_axis_can_use_a_shorter_format_than_the_values():
    markup = line_chart(
        chart_id="c",
        title="t",
        days=DAYS,
        series=[Series("a", [Decimal("80.50")] * 7)],
        value_format=lambda value: f"{value:.2f} EUR",
        tick_format=lambda value: f"{value:g}",
    )

    ticks = re.findall(r'dominant-baseline="middle">([^<]*)<', markup)
    assert ticks[-1] == "100"
    assert "80.50 EUR" in markup  # the data table keeps the full format
