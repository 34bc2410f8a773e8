from django.core.management.base import BaseCommand

from stats.rebuild import rollup_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the per-day statistics (ShopDay) from orders, reply waits, incidents and "
        "refunds: after loading rows without the services, or after a shop changed timezone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", action="append", type=int, help="a shop id (repeatable)")

    def handle(self, *args, shop=None, **options):
        rows = rollup_rebuild(shop)
        self.stdout.write(f"stats_rollup_rebuild: {rows} shop-day rows")
