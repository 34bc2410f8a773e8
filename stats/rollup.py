"""The one writer of the per-day statistics (`ShopDay`), called by the services.

`shop_day_add` adds deltas to the row of (shop, local day of `at`, currency) with one
`INSERT ... ON CONFLICT DO UPDATE`, inside the caller's transaction: the counter changes with
the fact it counts or not at all. It imports no other app, so any service may call it.
"""

import zoneinfo
from datetime import datetime
from decimal import Decimal

from django.db import connection

from shops.models import Shop
from stats.models import COUNTERS, ShopDay


def shop_timezone(shop_id: int) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(Shop.objects.values_list("timezone", flat=True).get(pk=shop_id))


def shop_day_add(*, shop_id: int, at: datetime, currency: str = "", tz=None, **deltas) -> None:
    """Add `deltas` (counter name → int, `refunded_amount` → Decimal) to a shop's day."""
    unknown = set(deltas) - set(COUNTERS)
    if unknown:
        raise ValueError(f"not a ShopDay counter: {sorted(unknown)}")
    deltas = {name: value for name, value in deltas.items() if value}
    if not deltas:
        return
    tz = tz or shop_timezone(shop_id)
    day = at.astimezone(tz).date()
    table = ShopDay._meta.db_table
    names = list(deltas)
    values = [
        str(value) if isinstance(value, Decimal) and connection.vendor == "sqlite" else value
        for value in deltas.values()
    ]
    defaults = [name for name in COUNTERS if name not in deltas]
    columns = ", ".join(["shop_id", "day", "currency", *names, *defaults])
    placeholders = ", ".join(["%s"] * (3 + len(names)) + ["0"] * len(defaults))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT (shop_id, day, currency) DO UPDATE SET {updates}",
            [shop_id, connection.ops.adapt_datefield_value(day), currency, *values],
        )
