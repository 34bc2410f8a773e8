"""The waits of the threads written before ReplyWait existed, replayed from their messages."""

from django.db import migrations


def backfill(apps, schema_editor):
    from messaging.waits import waits_replayed

    using = schema_editor.connection.alias
    Thread = apps.get_model("messaging", "Thread")
    Message = apps.get_model("messaging", "Message")
    ReplyWait = apps.get_model("messaging", "ReplyWait")
    threads = Thread.objects.using(using).order_by("pk").values_list("pk", "shop_id", "no_reply_needed_at")
    batch = []
    current, messages = None, []

    def flush(thread):
        pk, shop_id, no_reply_needed_at = thread
        for wait in waits_replayed(messages, no_reply_needed_at):
            batch.append(ReplyWait(thread_id=pk, shop_id=shop_id, **wait.__dict__))

    by_pk = {}
    for thread in threads.iterator(chunk_size=5000):
        by_pk[thread[0]] = thread
    rows = Message.objects.using(using).order_by("thread_id", "created_at", "id").values_list(
        "thread_id", "author", "created_at", "received_at"
    )
    for thread_id, author, created_at, received_at in rows.iterator(chunk_size=5000):
        if thread_id != current:
            if current is not None:
                flush(by_pk[current])
            current, messages = thread_id, []
        messages.append((author, created_at, received_at))
        if len(batch) >= 5000:
            ReplyWait.objects.using(using).bulk_create(batch)
            batch.clear()
    if current is not None:
        flush(by_pk[current])
    ReplyWait.objects.using(using).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_replywait")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
