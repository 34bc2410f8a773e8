"""The inbox as a triage list: what awaits a reply first (soonest due), bulk actions, updates."""

import pytest
from django.utils import timezone

from messaging import services
from messaging.models import Thread
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, shop_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(seller_client):
    seller_client.cookies["django_language"] = "en"
    return seller_client


@pytest.fixture
def mixed_inbox(shop, seller):
    """An answered thread with the latest activity, and three awaiting with different dues."""
    order = OrderFactory(shop=shop)
    due_later = customer_thread(order, hours_ago=1, subject="Later")
    overdue = customer_thread(order, hours_ago=50, subject="Overdue")
    due_soon = customer_thread(order, hours_ago=40, subject="Soon")
    answered = shop_thread(order, seller, subject="Answered")
    return {"overdue": overdue, "due_soon": due_soon, "due_later": due_later, "answered": answered}


def _ids(rows):
    return [thread.pk for thread in rows]


def test_the_default_view_puts_what_awaits_a_reply_first_soonest_due(english, mixed_inbox):
    response = english.get("/messages/")

    assert response.context["view"] == "awaiting"
    assert _ids(response.context["awaiting"]) == [
        mixed_inbox["overdue"].pk,
        mixed_inbox["due_soon"].pk,
        mixed_inbox["due_later"].pk,
    ]
    assert _ids(response.context["threads"]) == [mixed_inbox["answered"].pk]
    html = response.content.decode()
    assert html.index("Overdue") < html.index("Soon") < html.index("Later") < html.index("Answered")


def test_the_latest_activity_view_is_in_the_url(english, mixed_inbox):
    response = english.get("/messages/?view=latest")

    assert response.context["awaiting"] == []
    assert _ids(response.context["threads"])[0] == mixed_inbox["answered"].pk
    assert 'aria-current="page" data-view="latest"' in response.content.decode()


def test_filters_apply_to_both_parts_of_the_triage_view(english, mixed_inbox):
    response = english.get("/messages/?subject=soon")

    assert _ids(response.context["awaiting"]) == [mixed_inbox["due_soon"].pk]
    assert response.context["threads"] == []


def test_selected_threads_are_marked_read_then_unread(english, mixed_inbox):
    chosen = [mixed_inbox["overdue"].pk, mixed_inbox["due_soon"].pk]

    response = english.post(
        "/messages/bulk/", {"thread": chosen, "action": "mark_read", "next": "/messages/"}
    )

    assert response.status_code == 302 and response.url == "/messages/"
    unread = set(Thread.objects.filter(pk__in=chosen).values_list("shop_last_read_at", flat=True))
    assert None not in unread
    followed = english.get("/messages/")
    assert "2 conversations marked as read." in followed.content.decode()
    assert followed.context["unread_count"] == 1  # due_later only

    english.post("/messages/bulk/", {"thread": chosen, "action": "mark_unread"})

    assert english.get("/messages/").context["unread_count"] == 3


def test_no_reply_needed_in_bulk_needs_a_reason_and_clears_the_deadlines(
    english, mixed_inbox, seller
):
    chosen = [mixed_inbox["overdue"].pk, mixed_inbox["answered"].pk]

    refused = english.post("/messages/bulk/", {"thread": chosen, "action": "no_reply_needed"})
    assert refused.status_code == 302
    assert Thread.objects.get(pk=mixed_inbox["overdue"].pk).reply_needed_since is not None

    english.post(
        "/messages/bulk/",
        {"thread": chosen, "action": "no_reply_needed", "reason": "Solo daba las gracias"},
    )

    overdue = Thread.objects.get(pk=mixed_inbox["overdue"].pk)
    assert overdue.reply_needed_since is None
    assert overdue.no_reply_needed_reason == "Solo daba las gracias"
    assert overdue.no_reply_needed_by == seller
    said = english.get("/messages/").content.decode()
    assert "1 conversation marked as needing no reply; its deadline is cleared." in said
    assert "1 was already so." in said


def test_another_shops_thread_cannot_be_touched_in_bulk(english, other_order):
    theirs = customer_thread(other_order)

    english.post("/messages/bulk/", {"thread": [theirs.pk], "action": "mark_read"})

    assert Thread.objects.get(pk=theirs.pk).shop_last_read_at is None


def test_the_inbox_is_told_when_new_messages_arrive(english, order):
    since = timezone.now()
    quiet = english.get("/messages/updates/", {"since": since.isoformat(), "list": "/messages/"})
    assert 'data-testid="inbox-new"' not in quiet.content.decode()

    customer_thread(order, subject="Nueva")
    told = english.get("/messages/updates/", {"since": since.isoformat(), "list": "//evil.example"})

    html = told.content.decode()
    assert "A new message arrived." in html
    assert 'hx-get="/messages/"' in html  # never another site's address


def test_the_list_alone_is_sent_to_htmx(english, mixed_inbox):
    response = english.get("/messages/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.startswith('<div id="inbox-list">') and "<header" not in html


def test_the_thread_page_receives_new_messages_without_a_reload(english, order):
    thread = customer_thread(order)
    last = thread.messages.get().pk
    assert english.get(f"/messages/{thread.pk}/since/?after={last}").status_code == 204

    services.message_import(
        thread=thread,
        author="customer",
        body="¿Alguna novedad?",
        acting_user=None,
    )
    response = english.get(f"/messages/{thread.pk}/since/?after={last}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "¿Alguna novedad?" in html and 'hx-swap-oob="true"' in html
    newest = thread.messages.order_by("-pk").first().pk
    assert f"after={newest}" in html


@pytest.mark.parametrize(
    ("language", "more"),
    [
        ("en", "More conversations await your reply"),
        ("es", "Hay más conversaciones esperando su respuesta"),
    ],
)
def test_one_page_of_awaiting_threads_heads_the_inbox_and_links_to_the_rest(
    seller_client, shop, language, more
):
    from messaging.views import PAGE_SIZE

    order = OrderFactory(shop=shop)
    awaiting = [customer_thread(order, hours_ago=47 - n) for n in range(PAGE_SIZE + 1)]
    seller_client.cookies["django_language"] = language

    response = seller_client.get("/messages/")

    # The most urgent page, soonest due first; the last one is behind the link.
    assert _ids(response.context["awaiting"]) == _ids(awaiting[:PAGE_SIZE])
    html = response.content.decode()
    assert more in html
    assert "view=latest&amp;deadline=awaiting_reply" in html
