"""Two operators closing and reopening the same RESOLVED incident at the same moment: the row
locks serialize them, so it ends in one consistent state with one event per successful call,
and the other call gets a 409 (PostgreSQL, real transactions and threads)."""

import threading

import pytest
from django.db import connection

from incidents import services
from incidents.models import IncidentEvent, IncidentState
from orders.models import OrderEvent
from sellerdesk.errors import InvalidState
from tests.factories import OperatorFactory, OrderFactory, SellerFactory, ShopFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def _race(incident, closer, reopener):
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(name, action):
        try:
            barrier.wait()
            action()
            outcomes[name] = "ok"
        except InvalidState as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=("close", lambda: services.incident_close(incident=incident, acting_user=closer)),
        ),
        threading.Thread(
            target=run,
            args=(
                "reopen",
                lambda: services.incident_reopen(
                    incident=incident, acting_user=reopener, message="No estoy de acuerdo."
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_close_and_reopen_leave_one_consistent_state(round_):
    shop = ShopFactory(code=f"race{round_}")
    SellerFactory(username=f"seller-race{round_}", shop=shop)
    closer = OperatorFactory(username=f"closer{round_}")
    reopener = OperatorFactory(username=f"reopener{round_}")
    incident = IncidentFactory(order=OrderFactory.shipped(shop=shop), state=IncidentState.RESOLVED)
    events_before = IncidentEvent.objects.filter(incident=incident).count()
    order_events_before = OrderEvent.objects.filter(order=incident.order).count()

    outcomes = _race(incident, closer, reopener)

    incident.refresh_from_db()
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1, outcomes
    if winners == ["close"]:
        assert incident.state == IncidentState.CLOSED
        assert outcomes["reopen"] == "incident_closed"
    else:
        assert incident.state == IncidentState.OPEN
        assert incident.waiting_since is not None
        assert outcomes["close"] == "incident_not_resolved"
    new_events = IncidentEvent.objects.filter(incident=incident).order_by("id")[events_before:]
    assert [event.kind for event in new_events] == [
        "closed" if winners == ["close"] else "reopened"
    ]
    assert OrderEvent.objects.filter(order=incident.order).count() == order_events_before + 1
