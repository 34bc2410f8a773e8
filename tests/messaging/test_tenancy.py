"""Another shop's thread, order or attachment is a 404 on every seller page and endpoint."""

import pytest

from messaging.models import Attachment, Message, Thread
from tests.messaging.conftest import customer_thread, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_order):
    """Another shop's thread (unread, awaiting a reply) with an attachment."""
    thread = customer_thread(other_order, attachments=[pdf_file()])
    return {
        "thread": thread.pk,
        "order": other_order.pk,
        "attachment": Attachment.objects.get(message__thread=thread).pk,
    }


API = [
    ("get", "/api/v1/threads/{thread}/"),
    ("post", "/api/v1/threads/{thread}/messages/"),
    ("post", "/api/v1/threads/{thread}/read/"),
    ("post", "/api/v1/threads/{thread}/no-reply-needed/"),
    ("post", "/api/v1/orders/{order}/threads/"),
    ("get", "/api/v1/attachments/{attachment}/download/"),
]
PAGES = [
    ("get", "/messages/{thread}/"),
    ("post", "/messages/{thread}/reply/"),
    ("post", "/messages/{thread}/no-reply-needed/"),
    ("get", "/orders/{order}/messages/new/"),
    ("post", "/orders/{order}/messages/new/"),
    ("get", "/attachments/{attachment}/download/"),
]
DATA = {
    "body": "x",
    "reason": "order_question",
    "recipient": "customer",
    "to_customer": "on",
    "to": ["customer"],
}


def unchanged(foreign):
    thread = Thread.objects.get(pk=foreign["thread"])
    return (
        Message.objects.filter(thread=thread).count() == 1
        and thread.reply_needed_since is not None
        and thread.shop_last_read_at is None
        and Thread.objects.filter(order_id=foreign["order"]).count() == 1
    )


@pytest.mark.parametrize(("method", "path"), API)
def test_another_shops_objects_are_a_404_in_the_api(api, foreign, method, path):
    response = getattr(api, method)(path.format(**foreign), DATA)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert unchanged(foreign)


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_another_shops_objects_are_a_404_in_the_pages(seller_client, foreign, method, path):
    response = getattr(seller_client, method)(path.format(**foreign), DATA)

    assert response.status_code == 404
    assert unchanged(foreign)


def test_lists_show_only_the_shops_own_threads(api, seller_client, order, foreign):
    own = customer_thread(order)

    api_ids = {row["id"] for row in api.get("/api/v1/threads/").json()["results"]}
    context = seller_client.get("/messages/").context
    page_ids = {thread.pk for thread in [*context["awaiting"], *context["threads"]]}

    assert api_ids == page_ids == {own.pk}


def test_a_filter_cannot_reach_another_shop(api, order, foreign, other_order):
    assert api.get(f"/api/v1/threads/?order={other_order.reference}").json()["results"] == []


def test_pages_need_a_login(client, foreign):
    assert client.get("/messages/").status_code == 302
    assert client.get(f"/attachments/{foreign['attachment']}/download/").status_code == 302


def test_the_api_needs_a_key(foreign):
    from rest_framework.test import APIClient

    assert APIClient().get(
        f"/api/v1/attachments/{foreign['attachment']}/download/"
    ).status_code in (401, 403)
