"""One idempotency mechanism: records keyed per shop (or operator) and key.

Data: the existing per-user records are given their user's scope (a key two users of one shop
both used keeps the newer record); the refunds' own keys (the former second mechanism) that are
still within IDEMPOTENCY_KEEP_HOURS become records of their shop whose fingerprint no new
request matches, so a retry across the upgrade is a 409, never a second refund.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
from django.utils import timezone


def scope_records(apps, schema_editor):
    Record = apps.get_model("sellerdesk", "IdempotencyRecord")
    seen = set()
    for record in Record.objects.select_related("user").order_by("-created_at", "-id"):
        user = record.user
        scope = f"shop:{user.shop_id}" if user.shop_id else f"operator:{user.pk}"
        if (scope, record.key) in seen:
            record.delete()
            continue
        seen.add((scope, record.key))
        record.scope = scope
        record.save(update_fields=["scope"])


def adopt_refund_keys(apps, schema_editor):
    Record = apps.get_model("sellerdesk", "IdempotencyRecord")
    Refund = apps.get_model("refunds", "Refund")
    since = timezone.now() - timedelta(hours=getattr(settings, "IDEMPOTENCY_KEEP_HOURS", 24))
    refunds = Refund.objects.filter(idempotency_key__isnull=False, created_at__gte=since)
    for refund in refunds.iterator():
        Record.objects.get_or_create(
            scope=f"shop:{refund.shop_id}",
            key=refund.idempotency_key,
            defaults={
                "user_id": refund.created_by_id,
                "request_target": f"POST /api/v1/orders/{refund.order_id}/refunds/",
                "body_hash": f"refund-{refund.request_hash}"[:64],
                "status_code": 201,
                "response_body": {"id": refund.pk},
                "created_at": refund.created_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sellerdesk", "0001_initial"),
        ("refunds", "0003_notifications_move_to_the_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="scope",
            field=models.CharField(default="", max_length=40, verbose_name="scope"),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(
            model_name="idempotencyrecord", name="idempotency_key_unique_per_user"
        ),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="idempotency_records",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(scope_records, migrations.RunPython.noop),
        migrations.RunPython(adopt_refund_keys, migrations.RunPython.noop),
        # The unique constraint comes in 0003: PostgreSQL refuses to ALTER a table with the
        # deferred foreign-key checks of this migration's rows still pending.
    ]
