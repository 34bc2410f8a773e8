from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shops import services
from shops.models import User


class Command(BaseCommand):
    help = (
        "Create an operator (staff) user for the admin and the operator API, or reset its password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username of the operator.")
        parser.add_argument(
            "--password", required=True, help="Password (set again if the user exists)."
        )
        parser.add_argument("--email", default="", help="Email of the operator.")

    def handle(self, *args, user, password, email, **options):
        existed = User.objects.filter(username=user).exists()
        operator = services.operator_create(username=user, password=password, email=email)
        if existed:
            message = _(
                "Operator %(username)s already existed: password set, staff access granted."
            )
        else:
            message = _("Created operator %(username)s.")
        self.stdout.write(self.style.SUCCESS(message % {"username": operator.username}))
