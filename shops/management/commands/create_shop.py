from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shops import services
from shops.models import Shop, User


class Command(BaseCommand):
    help = "Create a shop and its first seller user (idempotent on the shop code)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="Shop code (a slug), unique.")
        parser.add_argument("--name", required=True, help="Shop name shown to people.")
        parser.add_argument("--user", required=True, help="Username of the shop's first seller.")
        parser.add_argument("--password", required=True, help="Password for a new seller user.")
        parser.add_argument("--email", default="", help="Contact email of the shop and the user.")

    def handle(self, *args, code, name, user, password, email, **options):
        # Read before the write only to say what happened; the service itself is idempotent.
        shop_existed = Shop.objects.filter(code=code).exists()
        user_existed = User.objects.filter(username=user).exists()
        shop = services.shop_create(
            code=code, name=name, username=user, password=password, email=email
        )
        if shop_existed:
            self.stdout.write(
                _("Shop %(code)s already existed: name and email updated.") % {"code": shop.code}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Created shop %(code)s (%(name)s).") % {"code": shop.code, "name": shop.name}
                )
            )
        if user_existed:
            self.stdout.write(
                _("User %(username)s already existed (password unchanged); it belongs to %(code)s.")
                % {"username": user, "code": shop.code}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Created seller user %(username)s for %(code)s.")
                    % {"username": user, "code": shop.code}
                )
            )
