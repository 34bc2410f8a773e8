"""The demo data shows the inbox at work: every deadline state, unread, attachments, operator."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from messaging import selectors
from messaging.models import Attachment, Thread
from sellerdesk.tenancy import ALL_SHOPS

pytestmark = pytest.mark.django_db


def load():
    with translation.override("en"):
        call_command("load_demo", stdout=StringIO())


def test_the_demo_has_threads_in_every_state_and_is_idempotent():
    load()
    count = Thread.objects.count()
    load()

    threads = list(selectors.thread_list(shop=ALL_SHOPS))
    assert Thread.objects.count() == count
    assert {t.deadline_status for t in threads} == {"none", "ok", "due_soon", "overdue"}
    assert any(t.unread for t in threads) and any(not t.unread for t in threads)
    assert any(t.with_operator for t in threads)
    assert any(t.no_reply_needed_reason for t in threads)
    assert Attachment.objects.filter(content_type="application/pdf").exists()
