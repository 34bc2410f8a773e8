"""sellerdesk.0002 and 0003: the per-user records get their shop's or operator's scope, and the refunds'
own keys (the former second mechanism) become records that no new request can replay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# Refunds as they were before their own key columns went (refunds.0004 needs sellerdesk.0002).
BEFORE = [("sellerdesk", "0001_initial"), ("refunds", "0003_notifications_move_to_the_outbox")]
AFTER = [("sellerdesk", "0003_idempotency_unique_per_scope")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_records_are_rescoped_and_refund_keys_adopted(shop, seller, operator):
    from tests.factories import OrderFactory

    order = OrderFactory.shipped(shop=shop)
    try:
        apps = _migrate(BEFORE)
        Record = apps.get_model("sellerdesk", "IdempotencyRecord")
        # As it was then: its own key columns go in refunds.0004, which depends on this one.
        Refund = apps.get_model("refunds", "Refund")

        now = timezone.now()
        Record.objects.create(
            user_id=seller.pk, key="m1", request_target="POST /x", body_hash="h", status_code=201
        )
        Record.objects.create(
            user_id=operator.pk, key="o1", request_target="POST /y", body_hash="h", status_code=201
        )
        Refund.objects.create(
            order_id=order.pk,
            shop_id=shop.pk,
            state="PENDING",
            reason="goodwill",
            currency="EUR",
            total_amount="5.00",
            created_at=now,
            idempotency_key="r1",
            request_hash="abc",
        )

        apps = _migrate(AFTER)
        Record = apps.get_model("sellerdesk", "IdempotencyRecord")
        scopes = dict(Record.objects.values_list("key", "scope"))
        assert scopes["m1"] == f"shop:{shop.pk}"
        assert scopes["o1"] == f"operator:{operator.pk}"
        adopted = Record.objects.get(key="r1")
        assert adopted.scope == f"shop:{shop.pk}"
        assert adopted.request_target == f"POST /api/v1/orders/{order.pk}/refunds/"
        assert len(adopted.body_hash) <= 64 and adopted.body_hash != "abc"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
