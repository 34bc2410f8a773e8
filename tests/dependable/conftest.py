import pytest

from messaging.reasons import reasons_seed_defaults


@pytest.fixture(autouse=True)
def reasons(db):
    """The default reasons (a transactional test elsewhere may have flushed the seeded rows)."""
    reasons_seed_defaults()
