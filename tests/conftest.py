import pytest
from rest_framework.test import APIClient

from shops.services import api_key_issue
from tests.factories import OperatorFactory, OrderFactory, SellerFactory, ShopFactory


@pytest.fixture
def shop(db):
    return ShopFactory(code="norte", name="Librería del Norte")


@pytest.fixture
def other_shop(db):
    return ShopFactory(code="sur", name="Electrodomésticos del Sur")


@pytest.fixture
def seller(shop):
    return SellerFactory(username="norte", shop=shop)


@pytest.fixture
def other_seller(other_shop):
    return SellerFactory(username="sur", shop=other_shop)


@pytest.fixture
def operator(db):
    return OperatorFactory(username="operador")


@pytest.fixture
def order(shop):
    return OrderFactory(shop=shop)


@pytest.fixture
def other_order(other_shop):
    """An order of another shop: every seller page and endpoint must answer 404 for it."""
    return OrderFactory(shop=other_shop, reference="SUR-0001")


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def _api_client_for(user):
    _api_key, raw = api_key_issue(user=user, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


@pytest.fixture
def api(seller):
    """An API client authenticated with the seller's API key."""
    return _api_client_for(seller)


@pytest.fixture
def operator_api(operator):
    return _api_client_for(operator)


@pytest.fixture
def eager_celery(settings):
    """Celery tasks run in the process, right when they are queued (after commit): the outbox's
    delivery task sends a notice as soon as its transaction commits. Celery reads the CELERY_*
    Django settings live, so the settings fixture switches it and restores it."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def send_outbox():
    """Deliver every notice of the outbox that is due now, as the delivery task would (emails
    land in `mail.outbox`); answers what was done."""
    from notifications.models import Notice, NoticeState
    from notifications.services import notices_deliver

    def send():
        due = Notice.objects.filter(state=NoticeState.PENDING).values_list("pk", flat=True)
        return notices_deliver(notice_ids=list(due))

    return send


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Each test writes attachments and emails into its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }


@pytest.fixture(autouse=True)
def _default_reasons(request):
    """Transactional tests flush every table, the reasons seeded by a data migration included:
    put the default reason list back for any test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    transactional = (
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from messaging.models import Reason
    from messaging.reasons import reasons_seed_defaults

    if not Reason.objects.exists():
        reasons_seed_defaults()
