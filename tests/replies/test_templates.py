"""Reply templates: the page, the reply box (the "/" picker and the no-JavaScript links),
attachments sent with the reply, the API and its tenancy, and the operator's admin."""

import pytest

from messaging.models import Attachment, Message
from replies import services
from replies.models import ReplyTemplate
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(shop):
    return OrderFactory.shipped(
        shop=shop,
        reference="NORTE-1",
        customer_name="Álvaro Pérez",
        carrier="Correos",
        tracking_number="PQ1",
    )


@pytest.fixture
def thread(shipped):
    return customer_thread(shipped, reason_code="delivery", body="¿Dónde está mi pedido?")


def _template(shop, name="Envío", body="Hola {customer_name}, va con {carrier}.", **kwargs):
    return services.reply_template_create(
        shop=shop, name=name, language=kwargs.pop("language", "es"), body=body, **kwargs
    )


def test_the_page_creates_a_template_and_refuses_an_unknown_variable(seller_client, shop):
    refused = seller_client.post(
        "/settings/reply-templates/new/",
        {"name": "Mal", "language": "es", "body": "Hola {cliente}"},
    )
    assert refused.status_code == 400
    assert "{cliente}" in refused.content.decode()
    assert "{tracking_url}" in refused.content.decode()

    created = seller_client.post(
        "/settings/reply-templates/new/",
        {
            "name": "Envío",
            "language": "es",
            "body": "Hola {customer_name}",
            "reasons": ["delivery"],
            "attachments": [pdf_file("condiciones.pdf")],
        },
    )
    assert created.status_code == 302
    template = ReplyTemplate.objects.get(shop=shop)
    assert [reason.code for reason in template.reasons.all()] == ["delivery"]
    assert [item.filename for item in template.attachments.all()] == ["condiciones.pdf"]
    listing = seller_client.get("/settings/reply-templates/").content.decode()
    assert "Envío" in listing and "condiciones.pdf" in listing


def test_the_pages_speak_both_languages(seller_client, shop):
    _template(shop)
    spanish = seller_client.get("/settings/reply-templates/").content.decode()
    seller_client.cookies["django_language"] = "en"
    english = seller_client.get("/settings/reply-templates/").content.decode()
    assert "Plantillas de respuesta" in spanish and "Reply templates" not in spanish
    assert "Reply templates" in english and "Plantillas de respuesta" not in english


def test_the_picker_offers_templates_suggested_for_the_reason_first(seller_client, shop, thread):
    _template(shop, name="Aaa general", body="Gracias, {customer_name}.")
    _template(shop, name="Zzz envío", body="Va con {carrier}.", reason_codes=["delivery"])
    services.reply_template_create(shop=None, name="Del marketplace", language="es", body="Hola")

    data = seller_client.get(f"/messages/{thread.pk}/reply-templates/").json()["results"]

    assert [item["name"] for item in data] == ["Zzz envío", "Aaa general", "Del marketplace"]
    assert data[0]["body"] == "Va con Correos."
    assert data[0]["suggested"] is True


def test_the_picker_searches_ignoring_accents_and_case(seller_client, shop, thread):
    _template(shop, name="Devolución", body="Para devolverlo…")
    _template(shop, name="Factura", body="Adjuntamos la factura.")

    data = seller_client.get(f"/messages/{thread.pk}/reply-templates/?q=DEVOLUCION").json()

    assert [item["name"] for item in data["results"]] == ["Devolución"]


def test_the_picker_says_which_variables_the_order_cannot_fill(seller_client, shop):
    order = OrderFactory(shop=shop)  # not shipped: no carrier
    thread = customer_thread(order)
    _template(shop)

    item = seller_client.get(f"/messages/{thread.pk}/reply-templates/").json()["results"][0]

    assert item["missing"] == ["carrier"]
    assert "{carrier}" in item["missing_text"]


def test_without_javascript_a_template_link_fills_the_reply_box(seller_client, shop):
    order = OrderFactory(shop=shop, customer_name="Rocío")
    thread = customer_thread(order)
    template = _template(shop)

    page = seller_client.get(f"/messages/{thread.pk}/?template={template.pk}").content.decode()

    assert "Hola Rocío, va con {carrier}." in page
    assert 'data-testid="template-missing"' in page
    assert 'src="/static/js/reply_templates.js"' in page
    assert "<script>" not in page  # no inline script: the picker is a static file


def test_a_reply_from_a_template_carries_its_files(seller_client, shop, thread):
    template = _template(
        shop, body="Adjunto las condiciones, {customer_name}.", attachments=[pdf_file("cond.pdf")]
    )

    response = seller_client.post(
        f"/messages/{thread.pk}/reply/",
        {"body": "Adjunto las condiciones, Álvaro.", "to_customer": "on", "template": template.pk},
    )

    assert response.status_code == 302
    reply = Message.objects.get(thread=thread, author="SHOP")
    assert [item.filename for item in Attachment.objects.filter(message=reply)] == ["cond.pdf"]
    thread.refresh_from_db()
    assert thread.reply_needed_since is None


def test_another_shops_template_is_not_usable(seller_client, other_shop, thread):
    theirs = _template(other_shop, name="Suyo", body="Secreto")

    page = seller_client.get(f"/messages/{thread.pk}/?template={theirs.pk}").content.decode()
    picker = seller_client.get(f"/messages/{thread.pk}/reply-templates/").json()

    assert "Secreto" not in page
    assert picker["results"] == []
    assert seller_client.get(f"/settings/reply-templates/{theirs.pk}/").status_code == 404


# --- API -----------------------------------------------------------------------------------


def test_the_api_creates_lists_and_fills_templates(api, shop, thread):
    created = api.post(
        "/api/v1/reply-templates/",
        {
            "name": "Envío",
            "language": "es",
            "body": "Hola {customer_name}: {tracking_url}",
            "reasons": ["delivery"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    template_id = created.json()["id"]
    assert created.json()["reasons"] == ["delivery"]

    listed = api.get("/api/v1/reply-templates/?reason=delivery").json()["results"]
    assert [item["id"] for item in listed] == [template_id]

    filled = api.post(
        f"/api/v1/reply-templates/{template_id}/fill/", {"thread": thread.pk}, format="json"
    ).json()
    assert filled["body"].startswith("Hola Álvaro Pérez: https://www.correos.es/")
    assert filled["missing"] == []


def test_the_api_refuses_an_unknown_variable_in_the_error_shape(api):
    response = api.post(
        "/api/v1/reply-templates/",
        {"name": "Mal", "language": "es", "body": "{pedido}"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "template_variable_unknown"
    assert "{order_reference}" in body["fields"]["body"][0]


def test_the_api_takes_attachments_as_multipart(api):
    response = api.post(
        "/api/v1/reply-templates/",
        {"name": "Con factura", "language": "en", "body": "Attached.", "attachments": [pdf_file()]},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["attachments"][0]["filename"] == "factura.pdf"


def test_the_api_keeps_shops_apart_and_the_marketplace_read_only(api, shop, other_shop, thread):
    theirs = _template(other_shop, name="Suyo")
    wide = services.reply_template_create(shop=None, name="Común", language="es", body="Hola")

    assert api.get(f"/api/v1/reply-templates/{theirs.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/reply-templates/{theirs.pk}/", {"body": "x"}, format="json").status_code
        == 404
    )
    assert api.get(f"/api/v1/reply-templates/{wide.pk}/").status_code == 200
    read_only = api.delete(f"/api/v1/reply-templates/{wide.pk}/")
    assert read_only.status_code == 403
    assert read_only.json()["code"] == "template_read_only"
    own = _template(shop)
    changed = api.patch(
        f"/api/v1/reply-templates/{own.pk}/", {"body": "Nuevo {shop_name}"}, format="json"
    )
    assert changed.json()["body"] == "Nuevo {shop_name}"
    assert api.delete(f"/api/v1/reply-templates/{own.pk}/").status_code == 204


def test_the_operator_adds_a_marketplace_template_in_the_admin(operator_client):
    refused = operator_client.post(
        "/admin/replies/replytemplate/add/",
        {
            "name": "Común",
            "language": "es",
            "body": "Hola {nombre}",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert refused.status_code == 200
    assert "{customer_name}" in refused.content.decode()

    saved = operator_client.post(
        "/admin/replies/replytemplate/add/",
        {
            "name": "Común",
            "language": "es",
            "body": "Hola {customer_name}",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302
    assert ReplyTemplate.objects.get(name="Común").shop is None
