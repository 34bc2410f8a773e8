"""Demo reply templates: two marketplace-wide ones and one of each demo shop. Idempotent."""

from django.utils.translation import gettext as _

from replies.models import ReplyTemplate
from replies.services import reply_template_create

MARKETPLACE = [
    (
        "Pedido en camino",
        "es",
        ["delivery"],
        "Hola {customer_name}:\n\nSu pedido {order_reference} va con {carrier} "
        "(seguimiento {tracking_number}): {tracking_url}\n\nUn saludo,\n{shop_name}",
    ),
    (
        "Order on its way",
        "en",
        ["delivery"],
        "Hello {customer_name},\n\nYour order {order_reference} is with {carrier} "
        "(tracking {tracking_number}): {tracking_url}\n\nKind regards,\n{shop_name}",
    ),
]
SHOP = (
    "Reembolso hecho",
    "es",
    ["return_request", "other"],
    "Hola {customer_name}:\n\nHemos reembolsado {refund_amount} de su pedido {order_reference}."
    "\n\nUn saludo,\n{shop_name}",
)


def load_demo(stdout) -> None:
    from shops.models import Shop

    created = 0
    for name, language, reasons, body in MARKETPLACE:
        if not ReplyTemplate.objects.filter(shop=None, name=name, language=language).exists():
            reply_template_create(
                shop=None, name=name, language=language, body=body, reason_codes=reasons
            )
            created += 1
    name, language, reasons, body = SHOP
    for shop in Shop.objects.all():
        if not ReplyTemplate.objects.filter(shop=shop, name=name, language=language).exists():
            reply_template_create(
                shop=shop, name=name, language=language, body=body, reason_codes=reasons
            )
            created += 1
    stdout.write(_("Reply templates: %(count)d created.") % {"count": created})
