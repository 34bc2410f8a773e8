import pytest

from messaging.reasons import reasons_seed_defaults


@pytest.fixture(autouse=True)
def reasons(db):
    reasons_seed_defaults()


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
