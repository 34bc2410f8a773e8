"""Attachments: allowed by content, limited in size, stored privately, downloaded as files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.models import Attachment, Message, Thread
from tests.messaging.conftest import customer_thread, office_zip, pdf_file, stored_files

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def start(api, order, files, **extra):
    return api.post(
        f"/api/v1/orders/{order.pk}/threads/",
        {
            "recipient": "customer",
            "reason": "invoice_request",
            "body": "Su factura",
            "attachments": files,
            **extra,
        },
        format="multipart",
    )


def test_a_pdf_is_accepted_and_downloadable_as_a_file(api, order):
    response = start(api, order, [pdf_file("factura 2024.pdf")])

    assert response.status_code == 201
    attachment = response.json()["messages"][0]["attachments"][0]
    assert attachment["content_type"] == "application/pdf"
    download = api.get(attachment["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="factura 2024.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_renamed_executable_is_refused_and_nothing_is_saved(api, order, attachments_dir):
    response = start(api, order, [SimpleUploadedFile("factura.pdf", EXE)])

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_not_allowed"
    assert Thread.objects.count() == 0 and Message.objects.count() == 0
    assert stored_files(attachments_dir) == []


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>Factura</body></html>",
        b"<!DOCTYPE html><p>hola</p>",
        b"Hola\n<script>alert(1)</script>",
    ],
)
def test_an_html_file_renamed_txt_is_refused(api, order, content):
    response = start(api, order, [SimpleUploadedFile("nota.txt", content)])

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_not_allowed"


def test_a_file_whose_content_does_not_match_its_extension_is_refused(api, order):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100

    response = start(api, order, [SimpleUploadedFile("factura.pdf", png)])

    assert response.json()["code"] == "attachment_type_not_allowed"
    assert "PNG" in response.json()["detail"]


def test_a_file_over_the_limit_is_refused(api, order, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    response = start(api, order, [SimpleUploadedFile("notas.txt", b"a" * 1001)])

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_too_large"
    assert Thread.objects.count() == 0


def test_files_over_the_message_limit_together_are_refused(api, order, settings, attachments_dir):
    settings.ATTACHMENT_MAX_BYTES, settings.ATTACHMENT_MAX_MESSAGE_BYTES = 1000, 1500
    files = [SimpleUploadedFile(f"n{i}.txt", b"a" * 800) for i in range(2)]

    response = start(api, order, files)

    assert response.json()["code"] == "attachment_too_large"
    assert stored_files(attachments_dir) == []


def test_one_bad_file_among_good_ones_saves_nothing(api, order, attachments_dir):
    response = start(api, order, [pdf_file(), SimpleUploadedFile("x.pdf", EXE)])

    assert response.status_code == 400
    assert Attachment.objects.count() == 0 and stored_files(attachments_dir) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("pedido.csv", b"sku;cantidad\nLIB-1;2\n", "text/csv; charset=utf-8"),
        ("nota.txt", "Añadir envoltorio de regalo".encode("latin-1"), "text/plain; charset=utf-8"),
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50, "image/jpeg"),
        ("foto.gif", b"GIF89a" + b"\x00" * 50, "image/gif"),
    ],
)
def test_allowed_types_are_accepted(api, order, name, content, content_type):
    response = start(api, order, [SimpleUploadedFile(name, content)])

    assert response.status_code == 201, response.json()
    assert response.json()["messages"][0]["attachments"][0]["content_type"] == content_type


def test_office_documents_are_recognised_by_their_zip_entries(api, order):
    docx = office_zip(
        {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}, "carta.docx"
    )
    ods = office_zip(
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
        "cuentas.ods",
    )

    response = start(api, order, [docx, ods])

    assert response.status_code == 201, response.json()


def test_a_plain_zip_named_docx_is_refused(api, order):
    fake = office_zip({"programa.exe": "MZ"}, "carta.docx")

    assert start(api, order, [fake]).json()["code"] == "attachment_type_not_allowed"


def test_an_unknown_extension_is_refused(api, order):
    response = start(api, order, [SimpleUploadedFile("script.sh", b"echo hola")])

    assert response.json()["code"] == "attachment_type_not_allowed"


def test_a_non_ascii_name_is_sent_with_rfc_5987_and_without_paths(api, order):
    response = start(api, order, [pdf_file("../../facturación año.pdf")])
    attachment = response.json()["messages"][0]["attachments"][0]

    download = api.get(attachment["download_url"])

    assert attachment["filename"] == "facturación año.pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="facturacion ano.pdf"; '
        "filename*=UTF-8''facturaci%C3%B3n%20a%C3%B1o.pdf"
    )


def test_the_stored_name_never_comes_from_the_sender(api, order):
    start(api, order, [pdf_file("../../etc/passwd.pdf")])

    stored = Attachment.objects.get().stored_name
    assert ".." not in stored and "passwd" not in stored


def test_another_shops_attachment_is_a_404(api, seller_client, other_order, other_seller):
    from tests.messaging.conftest import shop_thread

    thread = shop_thread(other_order, other_seller, attachments=[pdf_file()])
    attachment = Attachment.objects.get(message__thread=thread)

    assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    assert seller_client.get(f"/attachments/{attachment.pk}/download/").status_code == 404


def test_the_page_download_answers_the_file(seller_client, order, seller):
    from tests.messaging.conftest import shop_thread

    thread = shop_thread(order, seller, attachments=[pdf_file()])
    attachment = Attachment.objects.get(message__thread=thread)

    response = seller_client.get(reverse("attachment-download", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"


def test_files_are_deleted_when_the_transaction_fails_after_storing_them(
    order, seller, attachments_dir, monkeypatch
):
    from messaging import services
    from tests.messaging.conftest import shop_thread

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "order_event_record", broken)

    with pytest.raises(RuntimeError):
        shop_thread(order, seller, attachments=[pdf_file()])

    assert stored_files(attachments_dir) == [] and Thread.objects.count() == 0


def test_a_refused_file_on_the_page_shows_the_error_and_saves_nothing(seller_client, order):
    response = seller_client.post(
        f"/orders/{order.pk}/messages/new/",
        {
            "recipient": "customer",
            "reason": "invoice_request",
            "body": "Factura",
            "attachments": [SimpleUploadedFile("factura.pdf", EXE)],
        },
    )

    assert response.status_code == 400
    assert "factura.pdf" in response.content.decode()
    assert Thread.objects.count() == 0


def test_a_customer_message_with_a_bad_file_saves_nothing(operator_api, order):
    thread = customer_thread(order)

    response = operator_api.post(
        f"/api/v1/operator/threads/{thread.pk}/messages/",
        {"author": "customer", "body": "foto", "attachments": [SimpleUploadedFile("a.png", EXE)]},
        format="multipart",
    )

    assert response.status_code == 400
    assert Message.objects.filter(thread=thread).count() == 1
