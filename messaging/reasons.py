"""The default reason list (codes with Spanish and English labels, per kind).

The data migration seeds it; the operator then edits, adds and deactivates reasons in the admin.
`reasons_seed_defaults()` adds the missing defaults again (demo data, tests after a flush),
never changing a reason the operator edited.
"""

DEFAULT_REASONS = {
    "message": [
        ("order_question", "Pregunta sobre el pedido", "Question about the order"),
        ("invoice_request", "Solicitud de factura", "Invoice request"),
        ("delivery", "Entrega y seguimiento", "Delivery and tracking"),
        ("product_question", "Pregunta sobre el producto", "Question about the product"),
        ("return_request", "Solicitud de devolución", "Return request"),
        ("other", "Otro motivo", "Other"),
    ],
    "incident_open": [
        ("item_not_received", "Artículo no recibido", "Item not received"),
        ("item_damaged", "Artículo dañado", "Item damaged"),
        ("wrong_item", "Artículo equivocado", "Wrong item"),
        ("not_as_described", "No corresponde con la descripción", "Not as described"),
        ("missing_parts", "Faltan piezas o accesorios", "Missing parts or accessories"),
        ("other", "Otro motivo", "Other"),
    ],
    "incident_close": [
        ("replacement_sent", "Se envió un artículo de sustitución", "Replacement sent"),
        ("refunded", "Pedido reembolsado", "Order refunded"),
        ("delivered_after_all", "El pedido se entregó finalmente", "Delivered after all"),
        ("customer_satisfied", "El cliente está conforme", "Customer satisfied"),
        ("other", "Otro motivo", "Other"),
    ],
    "refund": [
        ("customer_return", "Devolución del cliente", "Customer return"),
        ("damaged_item", "Artículo dañado", "Damaged item"),
        ("missing_item", "Artículo que falta", "Missing item"),
        ("late_delivery", "Entrega con retraso", "Late delivery"),
        ("goodwill", "Gesto comercial", "Goodwill gesture"),
        ("shipping_refund", "Reembolso de los gastos de envío", "Shipping refund"),
        ("other", "Otro motivo", "Other"),
    ],
}


def reasons_seed_defaults(reason_model=None) -> int:
    """Create the default reasons that do not exist yet; answers how many were created."""
    if reason_model is None:
        from messaging.models import Reason as reason_model
    created = 0
    for kind, reasons in DEFAULT_REASONS.items():
        for position, (code, label_es, label_en) in enumerate(reasons, start=1):
            _reason, was_created = reason_model.objects.get_or_create(
                kind=kind,
                code=code,
                defaults={
                    "label_es": label_es,
                    "label_en": label_en,
                    "position": position * 10,
                    "active": True,
                },
            )
            created += was_created
    return created
