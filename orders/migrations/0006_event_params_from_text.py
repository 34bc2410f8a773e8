"""Existing timeline rows: their stored sentences (Spanish or English) turned into parameters,
so that they read in each reader's language. A text that matches no known form keeps `params`
empty and is shown as it was written; the old text is kept on every row."""

import re

from django.db import migrations


AUTOMATIC = re.compile(
    r"^(?:Automatically after|Automáticamente al cabo de) (\d+) (?:days|días)\.$"
)
REFUND_CREATED = re.compile(
    r"^(?:Refund|Reembolso) #(\d+): (\d+\.\d{2}) ([A-Z]{3}) \((.*)\)\.$", re.DOTALL
)
REFUND_DECIDED = re.compile(r"^(?:Refund|Reembolso) #(\d+)(?:: (.*))?$", re.DOTALL)
CUSTOMER_NOTIFIED = re.compile(
    r"^(?:Refund|Reembolso) #(\d+): (?:email sent to|correo electrónico enviado a) (.+)\.$"
)
RECIPIENTS = {
    "to the customer and the operator": ["customer", "operator"],
    "al cliente y al operador": ["customer", "operator"],
    "to the customer": ["customer"],
    "al cliente": ["customer"],
    "to the operator": ["operator"],
    "al operador": ["operator"],
}
SHOP_MESSAGE = re.compile(
    r"^(?:Shop message|Mensaje de la tienda) (to the customer and the operator|to the customer|"
    r"to the operator|al cliente y al operador|al cliente|al operador) · (.*?): (.*)$",
    re.DOTALL,
)
INCOMING_MESSAGE = re.compile(
    r"^(Customer message|Mensaje del cliente|Operator message|Mensaje del operador) · (.*?): (.*)$",
    re.DOTALL,
)
NO_REPLY_NEEDED = re.compile(
    r"^(?:No reply needed|No requiere respuesta) · (.*?): (.*)$", re.DOTALL
)
INCIDENT = re.compile(
    r"^(?:incident|incidencia|Incident|Incidencia) #(\d+)(?: \([^)]*\))?(?: — (.*?))?(?:: (.*))?$",
    re.DOTALL,
)
FULL_REFUND = re.compile(
    r"^(?:Closed automatically: the order was fully refunded|Cerrada automáticamente: el pedido "
    r"se ha reembolsado en su totalidad)(?: \((?:refund|reembolso) #(\d+)\))?\.$"
)

TRANSITIONS = {"accepted", "refused", "canceled", "received", "closed"}
INCIDENT_KINDS = {"incident_opened", "incident_resolved", "incident_reopened", "incident_closed"}
INCIDENT_REASON_KIND = {
    "incident_opened": "incident_open",
    "incident_resolved": "incident_close",
}


def _labels(labels_by_text, kind, label):
    return labels_by_text.get((kind, label)) or {"es": label, "en": label}


def params_of(event, labels_by_text) -> dict:
    text = event.message.strip()
    kind = event.kind
    if not text:
        return {}
    if kind in ("shipped", "tracking_updated") and " " in text:
        carrier, tracking_number = text.rsplit(" ", 1)
        return {"carrier": carrier, "tracking_number": tracking_number}
    if kind in TRANSITIONS:
        automatic = AUTOMATIC.match(text)
        return {"automatic_after_days": int(automatic[1])} if automatic else {"note": text}
    if kind == "refund_created" and (match := REFUND_CREATED.match(text)):
        return {
            "refund_id": int(match[1]),
            "total_amount": match[2],
            "currency": match[3],
            "reason_labels": _labels(labels_by_text, "refund", match[4]),
        }
    if kind == "customer_notified" and (match := CUSTOMER_NOTIFIED.match(text)):
        return {"refund_id": int(match[1]), "email": match[2]}
    if kind in ("refund_confirmed", "refund_refused") and (match := REFUND_DECIDED.match(text)):
        return {"refund_id": int(match[1]), "note": match[2] or ""}
    if kind == "message":
        if match := NO_REPLY_NEEDED.match(text):
            return {"no_reply_needed": True, "subject": match[1], "reason": match[2]}
        if match := SHOP_MESSAGE.match(text):
            return {
                "author": "shop",
                "recipients": RECIPIENTS[match[1]],
                "subject": match[2],
                "excerpt": match[3],
            }
        if match := INCOMING_MESSAGE.match(text):
            author = (
                "customer"
                if match[1] in ("Customer message", "Mensaje del cliente")
                else "operator"
            )
            return {"author": author, "recipients": [], "subject": match[2], "excerpt": match[3]}
    if kind in INCIDENT_KINDS and (match := INCIDENT.match(text)):
        params = {"incident_id": int(match[1]), "text": match[3] or ""}
        if full_refund := FULL_REFUND.match(params["text"]):
            params["text"] = ""
            if full_refund[1]:
                params["full_refund_id"] = int(full_refund[1])
            else:
                params["full_refund"] = True
        if match[2]:
            params["reason_labels"] = _labels(
                labels_by_text, INCIDENT_REASON_KIND.get(kind, "incident_close"), match[2]
            )
        return params
    return {}


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Reason = apps.get_model("messaging", "Reason")
    labels_by_text = {}
    for reason in Reason.objects.all():
        labels = {"es": reason.label_es, "en": reason.label_en}
        labels_by_text[(reason.kind, reason.label_es)] = labels
        labels_by_text[(reason.kind, reason.label_en)] = labels
    batch = []
    for event in OrderEvent.objects.filter(params={}).exclude(message="").iterator(chunk_size=2000):
        event.params = params_of(event, labels_by_text)
        if event.params:
            batch.append(event)
        if len(batch) >= 1000:
            OrderEvent.objects.bulk_update(batch, ["params"])
            batch = []
    OrderEvent.objects.bulk_update(batch, ["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_event_params"),
        ("messaging", "0002_seed_reasons"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
