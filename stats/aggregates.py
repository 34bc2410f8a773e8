"""A median aggregate that runs inside the database on PostgreSQL and on SQLite.

PostgreSQL: `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`, an ordered-set aggregate that
takes numbers and intervals, with `FILTER (WHERE ...)` and `GROUP BY` like any aggregate.

SQLite (the embedded database of `make run`) has no percentile function, so the fallback is a
user-defined aggregate registered on every new SQLite connection (`connection_created`, wired
in `StatsConfig.ready`): SQLite feeds it the column's values inside the same query, so the
statistics keep one query per metric, grouped and filtered exactly as on PostgreSQL. It keeps
the values of one group in memory to sort them, which is fine at the demo's scale.
"""

from django.db.models import Aggregate

SQLITE_MEDIAN_FUNCTION = "SELLERDESK_MEDIAN"


class Median(Aggregate):
    """The median (50th percentile, interpolated like percentile_cont) of an expression."""

    name = "Median"
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        # On the class, not as keyword arguments: Aggregate.as_sql builds its own `template`
        # from `self.template` when a FILTER clause is added.
        sqlite = self.copy()
        sqlite.function = SQLITE_MEDIAN_FUNCTION
        sqlite.template = "%(function)s(%(expressions)s)"
        return sqlite.as_sql(compiler, connection, **extra_context)


class SQLiteMedian:
    """The SQLite aggregate behind Median: percentile_cont(0.5) over the non-null values."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


def register_sqlite_median(sender, connection, **kwargs):
    """`connection_created` receiver: teach each new SQLite connection the median aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN_FUNCTION, 1, SQLiteMedian)
