"""The reason list as reference data for incidents and refunds: choices, checks and labels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from messaging import selectors
from messaging.models import Reason, ReasonKind

pytestmark = pytest.mark.django_db


def test_choices_are_the_active_reasons_in_the_operators_order():
    Reason.objects.filter(kind=ReasonKind.REFUND, code="goodwill").update(active=False)
    Reason.objects.filter(kind=ReasonKind.REFUND, code="other").update(position=1)

    with translation.override("en"):
        choices = selectors.reason_choices(kind=ReasonKind.REFUND)

    codes = [code for code, _label in choices]
    assert codes[0] == "other"
    assert "goodwill" not in codes
    assert dict(choices)["damaged_item"] == "Damaged item"


@pytest.mark.parametrize(
    ("language", "label"), [("es", "Gesto comercial"), ("en", "Goodwill gesture")]
)
def test_labels_follow_the_active_language(language, label):
    with translation.override(language):
        assert selectors.reason_labels(kind=ReasonKind.REFUND)["goodwill"] == label
        assert selectors.reason_label(kind=ReasonKind.REFUND, code="goodwill") == label


def test_labels_include_inactive_reasons_in_one_query():
    Reason.objects.filter(kind=ReasonKind.REFUND, code="goodwill").update(active=False)

    with CaptureQueriesContext(connection) as queries:
        labels = selectors.reason_labels(kind=ReasonKind.REFUND)

    assert len(queries) == 1
    assert "goodwill" in labels
    assert "item_damaged" not in labels  # another kind's code


@pytest.mark.parametrize(
    ("kind", "code", "active"),
    [
        (ReasonKind.REFUND, "goodwill", True),
        (ReasonKind.INCIDENT_OPEN, "goodwill", False),
        (ReasonKind.REFUND, "nonsense", False),
        (ReasonKind.REFUND, "", False),
    ],
)
def test_a_code_is_active_only_in_its_own_kind(kind, code, active):
    assert selectors.reason_is_active(kind=kind, code=code) is active


def test_a_deactivated_reason_is_no_longer_active():
    Reason.objects.filter(kind=ReasonKind.INCIDENT_CLOSE, code="refunded").update(active=False)

    assert not selectors.reason_is_active(kind=ReasonKind.INCIDENT_CLOSE, code="refunded")


def test_every_code_incidents_and_refunds_use_is_seeded():
    """The codes the code, demos and tests of incidents and refunds rely on."""
    used = {
        ReasonKind.INCIDENT_OPEN: {"item_not_received", "item_damaged", "wrong_item"}
        | {"not_as_described", "missing_parts", "other"},
        ReasonKind.INCIDENT_CLOSE: {"replacement_sent", "refunded", "delivered_after_all"}
        | {"customer_satisfied", "other"},
        ReasonKind.REFUND: {"customer_return", "damaged_item", "missing_item", "late_delivery"}
        | {"goodwill", "shipping_refund", "other"},
        ReasonKind.MESSAGE: {"other"},
    }
    for kind, codes in used.items():
        active = {code for code, _label in selectors.reason_choices(kind=kind)}
        assert codes <= active, kind
