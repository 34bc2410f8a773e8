from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.seed import Sizes, seed


def refusal(settings_dict: dict, vendor: str) -> str | None:
    """Why the seed must not run on this database (None: it may)."""
    name = settings_dict.get("NAME") or ""
    if vendor != "postgresql":
        return "seed_scale fills PostgreSQL only (set DATABASE_URL to a postgres:// database)."
    test_name = (settings_dict.get("TEST") or {}).get("NAME") or f"test_{name}"
    if name.startswith("test_") or name == test_name:
        return f"{name} is a test database: seed_scale never writes there."
    return None


class Command(BaseCommand):
    help = (
        "Fill the database named by DATABASE_URL like a real marketplace (1,000 shops, "
        "1,000,000 orders and threads, 3,000,000 messages, 50,000 incidents, 100,000 refunds; "
        "one big shop). Set-based SQL; idempotent: the same sizes again change nothing. "
        "Refuses a test database and any database holding shops it did not create."
    )

    def add_arguments(self, parser):
        for item in fields(Sizes):
            parser.add_argument(
                f"--{item.name.replace('_', '-')}",
                type=int,
                default=item.default,
                help=f"default {item.default:,}",
            )

    def handle(self, *args, **options):
        reason = refusal(connection.settings_dict, connection.vendor)
        if reason:
            raise CommandError(reason)
        sizes = Sizes(**{item.name: options[item.name] for item in fields(Sizes)})
        try:
            seed(sizes, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from None
