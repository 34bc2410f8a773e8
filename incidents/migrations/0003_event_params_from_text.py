"""Automatic incident steps written as sentences (reminders, closed by a full refund) turned into
parameters so that they read in each reader's language; the old text stays on the row."""

import re

from django.db import migrations

REMINDED = {
    "The shop was reminded that this incident waits for it.",
    "Se ha recordado a la tienda que esta incidencia está pendiente de su respuesta.",
}
FULL_REFUND = re.compile(
    r"^(?:Closed automatically: the order was fully refunded|Cerrada automáticamente: el pedido "
    r"se ha reembolsado en su totalidad)(?: \((?:refund|reembolso) #(\d+)\))?\.$"
)


def forwards(apps, schema_editor):
    IncidentEvent = apps.get_model("incidents", "IncidentEvent")
    IncidentEvent.objects.filter(kind="reminded", params={}).update(params={"reminded": True})
    batch = []
    for event in IncidentEvent.objects.filter(kind="auto_closed_full_refund", params={}).iterator():
        match = FULL_REFUND.match(event.message.strip())
        if match is None:
            continue  # shown as it was written
        event.params = {"full_refund_id": int(match[1])} if match[1] else {"full_refund": True}
        batch.append(event)
    IncidentEvent.objects.bulk_update(batch, ["params"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_event_params")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
