from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sellerdesk", "0002_idempotency_scope")]

    operations = [
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(
                fields=("scope", "key"), name="idempotency_key_unique_per_scope"
            ),
        ),
    ]
