"""The refunds' own Idempotency-Key columns go: every creating POST uses the one project-wide
mechanism (`sellerdesk.idempotency`). The keys still within IDEMPOTENCY_KEEP_HOURS were adopted
as records of their shop by sellerdesk.0002, which therefore runs first."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('refunds', '0003_notifications_move_to_the_outbox'),
        # Reads idempotency_key and request_hash to adopt them.
        ('sellerdesk', '0002_idempotency_scope'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='refund',
            name='refund_idempotency_key_unique_per_shop',
        ),
        migrations.RemoveField(
            model_name='refund',
            name='idempotency_key',
        ),
        migrations.RemoveField(
            model_name='refund',
            name='request_hash',
        ),
    ]
