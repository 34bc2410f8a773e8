"""Subjects SellerDesk wrote in Spanish ("Pedido NORTE-10008", "Producto dañado · pedido
NORTE-10008") turned into parameters so that each reader sees them in their language. A subject
that is not one of these forms is the seller's own and stays as it is."""

from django.db import migrations


def automatic_params(thread, reason, reference) -> dict:
    subject = thread.subject
    if reference and subject in (f"Pedido {reference}", f"Order {reference}"):
        return {"reference": reference}
    labels = {"es": reason.label_es, "en": reason.label_en}
    for label in (reason.label_es, reason.label_en):
        if reference and subject in (
            f"{label} · pedido {reference}",
            f"{label} · order {reference}",
        ):
            return {"reason_labels": labels, "reference": reference}
        if not reference and subject == label:
            return {"reason_labels": labels}
    return {}


def forwards(apps, schema_editor):
    Thread = apps.get_model("messaging", "Thread")
    batch = []
    threads = Thread.objects.filter(subject_params={}).select_related("reason", "order")
    for thread in threads.iterator(chunk_size=2000):
        reference = thread.order.reference if thread.order_id else ""
        params = automatic_params(thread, thread.reason, reference)
        if params:
            thread.subject_params = params
            batch.append(thread)
    Thread.objects.bulk_update(batch, ["subject_params"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0005_thread_subject_params"), ("orders", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
