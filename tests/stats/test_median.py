"""The Median aggregate: percentile_cont on PostgreSQL, a registered aggregate on SQLite."""

import sqlite3
from datetime import timedelta

import pytest
from django.db.models import DurationField, ExpressionWrapper, F, Q

from orders.models import Order
from stats.aggregates import SQLITE_MEDIAN_FUNCTION, Median, SQLiteMedian
from tests.stats.conftest import local, shipped_order


def _waiting_time():
    return ExpressionWrapper(F("shipped_at") - F("created_at"), output_field=DurationField())


@pytest.mark.django_db
def test_the_median_of_an_odd_count_is_the_middle_value(shop):
    for hours in (2, 10, 50):
        shipped_order(shop, local(15), created_at=local(15) - timedelta(hours=hours))

    result = Order.objects.aggregate(median=Median(_waiting_time()))

    assert result["median"] == timedelta(hours=10)


@pytest.mark.django_db
def test_the_median_of_an_even_count_is_between_the_two_middle_values(shop):
    for hours in (2, 10, 20, 50):
        shipped_order(shop, local(15), created_at=local(15) - timedelta(hours=hours))

    result = Order.objects.aggregate(median=Median(_waiting_time()))

    assert result["median"] == timedelta(hours=15)


@pytest.mark.django_db
def test_the_median_takes_a_filter_and_is_none_without_rows(shop):
    shipped_order(shop, local(15), created_at=local(15) - timedelta(hours=4))

    result = Order.objects.aggregate(
        median=Median(_waiting_time(), filter=Q(shipped_at__gt=local(16)))
    )

    assert result["median"] is None


def _sqlite_median(values):
    connection = sqlite3.connect(":memory:")
    connection.create_aggregate(SQLITE_MEDIAN_FUNCTION, 1, SQLiteMedian)
    connection.execute("CREATE TABLE t (x INTEGER)")
    connection.executemany("INSERT INTO t VALUES (?)", [(value,) for value in values])
    return connection.execute(f"SELECT {SQLITE_MEDIAN_FUNCTION}(x) FROM t").fetchone()[0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [([50, 2, 10], 10), ([2, 10, 20, 50], 15), ([], None), ([None, 4], 4)],
)
def test_the_sqlite_fallback_interpolates_like_percentile_cont(values, expected):
    assert _sqlite_median(values) == expected


def test_on_sqlite_the_median_compiles_to_the_registered_aggregate_with_its_filter():
    from django.db.utils import ConnectionHandler

    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    queryset = Order.objects.values("shop_id").annotate(
        median=Median(_waiting_time(), filter=Q(shipped_at__isnull=False))
    )

    sql, _params = queryset.query.get_compiler(connection=sqlite).as_sql()

    assert f"{SQLITE_MEDIAN_FUNCTION}(" in sql
    assert "FILTER (WHERE" in sql
    assert "PERCENTILE_CONT" not in sql
    sqlite.close()
