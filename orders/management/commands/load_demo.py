import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from shops.demo import demo_logins


class Command(BaseCommand):
    help = (
        "Load demo shops, users, orders and whatever each app adds in its demo.py. "
        "Idempotent: running it again creates nothing new."
    )

    def handle(self, *args, **options):
        # One transaction: a failure in any app's demo leaves no half-loaded demo behind.
        with transaction.atomic():
            # Each app adds its own demo data in `<app>/demo.py`, in INSTALLED_APPS order, so
            # an app's demo can build on the apps listed before it (orders on shops, and so on).
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).load_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready. Logins:")))
        for username, password, role in demo_logins():
            self.stdout.write(f"  {username} / {password}  ({role})")
