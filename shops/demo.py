"""Demo shops, their sellers and an operator, for `manage.py load_demo`."""

from django.utils.translation import gettext as _

from shops import services

DEMO_PASSWORD = "demo1234"
DEMO_OPERATOR = "operador"
# Addresses on reserved example domains: the demo may run with a real mail server configured.
DEMO_SHOPS = [
    {
        "code": "norte",
        "name": "Librería del Norte",
        "email": "pedidos@libreria-del-norte.example.com",
        "username": "norte",
    },
    {
        "code": "sur",
        "name": "Electrodomésticos del Sur",
        "email": "atencion@electrodomesticos-del-sur.example.com",
        "username": "sur",
    },
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what it is) for every demo login, to print at the end."""
    logins = [
        (shop["username"], DEMO_PASSWORD, _("seller of %(name)s") % {"name": shop["name"]})
        for shop in DEMO_SHOPS
    ]
    logins.append((DEMO_OPERATOR, DEMO_PASSWORD, _("operator, in the admin at /admin/")))
    return logins


def load_demo(stdout) -> None:
    for shop in DEMO_SHOPS:
        services.shop_create(
            code=shop["code"],
            name=shop["name"],
            username=shop["username"],
            password=DEMO_PASSWORD,
            email=shop["email"],
        )
    services.operator_create(
        username=DEMO_OPERATOR, password=DEMO_PASSWORD, email="operador@marketplace.example.com"
    )
    stdout.write(
        _("Shops: %(codes)s; operator: %(operator)s.")
        % {"codes": ", ".join(shop["code"] for shop in DEMO_SHOPS), "operator": DEMO_OPERATOR}
    )
