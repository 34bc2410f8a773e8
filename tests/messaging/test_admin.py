"""The operator's admin: every shop's threads with filters, replying, downloads, reasons."""

import pytest
from django.urls import reverse

from messaging.models import Attachment, Message, Reason, Side
from tests.messaging.conftest import customer_thread, pdf_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?deadline=overdue",
        "?deadline=due_soon",
        "?unread=yes",
        "?participant=operator",
        "?q=Pregunta",
    ],
)
def test_the_thread_list_shows_every_shop_with_filters(operator_client, order, other_order, query):
    customer_thread(order, hours_ago=50)
    customer_thread(other_order, hours_ago=40)

    response = operator_client.get(reverse("admin:messaging_thread_changelist") + query)

    assert response.status_code == 200


def test_the_deadline_filter_selects_the_right_threads(operator_client, order, other_order):
    late = customer_thread(order, hours_ago=50)
    customer_thread(other_order, hours_ago=2)

    response = operator_client.get(
        reverse("admin:messaging_thread_changelist") + "?deadline=overdue"
    )

    assert [thread.pk for thread in response.context["cl"].result_list] == [late.pk]


def test_the_thread_page_shows_messages_and_attachment_links(operator_client, order):
    thread = customer_thread(order, attachments=[pdf_file()])
    attachment = Attachment.objects.get()

    page = operator_client.get(
        reverse("admin:messaging_thread_change", args=[thread.pk])
    ).content.decode()

    assert reverse("admin:messaging_attachment_download", args=[attachment.pk]) in page
    assert reverse("admin:messaging_thread_reply", args=[thread.pk]) in page


def test_the_operator_downloads_an_attachment(operator_client, order):
    customer_thread(order, attachments=[pdf_file()])
    attachment = Attachment.objects.get()

    response = operator_client.get(
        reverse("admin:messaging_attachment_download", args=[attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_operator_replies_as_the_operator(operator_client, operator, order):
    thread = customer_thread(order)

    response = operator_client.post(
        reverse("admin:messaging_thread_reply", args=[thread.pk]),
        {"body": "Hemos contactado con el transportista.", "attachments": [pdf_file()]},
    )

    assert response.status_code == 302
    reply = Message.objects.filter(thread=thread).latest("id")
    assert reply.author == Side.OPERATOR and reply.author_user == operator
    assert reply.attachments.count() == 1
    thread.refresh_from_db()
    assert thread.with_operator


def test_an_empty_operator_reply_is_refused(operator_client, order):
    thread = customer_thread(order)

    response = operator_client.post(
        reverse("admin:messaging_thread_reply", args=[thread.pk]), {"body": ""}
    )

    assert response.status_code == 400
    assert Message.objects.filter(thread=thread).count() == 1


def test_a_seller_cannot_use_the_admin_reply(seller_client, order):
    thread = customer_thread(order)

    response = seller_client.get(reverse("admin:messaging_thread_reply", args=[thread.pk]))

    assert response.status_code == 302  # to the admin login


def test_the_operator_edits_reason_labels_in_the_list(operator_client):
    reason = Reason.objects.get(kind="message", code="delivery")
    reasons = list(Reason.objects.order_by("kind", "position", "code"))
    data = {
        "form-TOTAL_FORMS": str(len(reasons)),
        "form-INITIAL_FORMS": str(len(reasons)),
        "_save": "Save",
    }
    for index, item in enumerate(reasons):
        data.update(
            {
                f"form-{index}-id": str(item.pk),
                f"form-{index}-label_es": item.label_es,
                f"form-{index}-label_en": "Shipping" if item.pk == reason.pk else item.label_en,
                f"form-{index}-active": "on" if item.active else "",
                f"form-{index}-position": str(item.position),
            }
        )

    response = operator_client.post(reverse("admin:messaging_reason_changelist"), data)

    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.label_en == "Shipping"


def test_no_reply_needed_is_shown_to_the_operator(operator_client, order, seller):
    from messaging import services

    thread = customer_thread(order)
    services.thread_mark_no_reply_needed(thread=thread, reason="Solo agradece", acting_user=seller)

    page = operator_client.get(reverse("admin:messaging_thread_changelist")).content.decode()

    assert "Solo agradece" in page
