"""Search: accent- and case-insensitive filters (issue 11's examples), full-text search over
subjects and messages in Spanish and English, ranked, with highlighted passages; the plans use
the indexes; SQLite's fallback normalises the same way."""

import sqlite3

import pytest
from django.db import connection

from messaging.services import message_import
from orders.models import Order
from sellerdesk.search import _register_sqlite_function, normalize
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(shop):
    rocio = OrderFactory(shop=shop, reference="NORTE-10012", customer_name="Rocío Fernández")
    alvaro = OrderFactory(shop=shop, reference="NORTE-10013", customer_name="Álvaro Ruiz")
    other = OrderFactory(shop=shop, reference="NORTE-20001", customer_name="John Smith")
    return {
        "donde": customer_thread(rocio, subject="¿Dónde está mi pedido?", body="No ha llegado."),
        "alvaro": customer_thread(alvaro, subject="Factura", body="Necesito la factura."),
        "english": customer_thread(
            other,
            subject="Broken mug",
            body="The mugs arrived broken. I would like a refund for the damaged items.",
        ),
        "envio": customer_thread(
            other, subject="Consulta", body="¿Cuándo harán el envío de los libros?"
        ),
    }


def _ids(response):
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("customer=Rocio", "donde"),
        ("customer=ALVARO", "alvaro"),
        ("subject=donde", "donde"),
        ("subject=DÓNDE ESTÁ", "donde"),
        ("order=norte-10013", "alvaro"),
    ],
)
def test_filters_ignore_accents_and_case(api, threads, params, expected):
    assert _ids(api.get(f"/api/v1/threads/?{params}")) == [threads[expected].pk]


def test_the_order_list_finds_customers_without_accents(api, shop, threads):
    found = api.get("/api/v1/orders/?customer=rocio").json()["results"]
    assert [item["reference"] for item in found] == ["NORTE-10012"]


def test_search_finds_spanish_words_without_accents_and_by_stem(api, threads):
    # "envio" (no accent) finds "envío"; "libro" finds "libros" (Spanish stemming).
    assert _ids(api.get("/api/v1/threads/?q=envio")) == [threads["envio"].pk]
    assert _ids(api.get("/api/v1/threads/?q=libro")) == [threads["envio"].pk]
    assert _ids(api.get("/api/v1/threads/?q=Rocio")) == [threads["donde"].pk]
    assert _ids(api.get("/api/v1/threads/?q=donde")) == [threads["donde"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_search_finds_english_words_by_stem(api, threads):
    found = api.get("/api/v1/threads/?q=damage refunds")
    assert _ids(found) == [threads["english"].pk]
    hit = found.json()["results"][0]["search"]
    assert "<mark>refund</mark>" in hit["snippet"] and "<mark>damaged</mark>" in hit["snippet"]
    assert hit["rank"] > 0


def test_ranking_puts_the_closest_match_first_in_spanish(api, shop):
    order = OrderFactory(shop=shop)
    once = customer_thread(order, subject="Pregunta", body="El paquete llegó tarde.")
    often = customer_thread(
        order, subject="Paquete dañado", body="El paquete llegó dañado; el paquete está roto."
    )
    message_import(
        thread=often, author="customer", body="¿Me devuelven el paquete?", acting_user=None
    )

    assert _ids(api.get("/api/v1/threads/?q=paquete danado")) == [often.pk]
    assert _ids(api.get("/api/v1/threads/?q=paquete")) == [often.pk, once.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_ranking_puts_the_closest_match_first_in_english(api, shop):
    order = OrderFactory(shop=shop)
    weak = customer_thread(order, subject="Question", body="When will the parcel arrive?")
    strong = customer_thread(
        order, subject="Parcel not delivered", body="The parcel was not delivered, parcel lost."
    )
    assert _ids(api.get("/api/v1/threads/?q=parcels")) == [strong.pk, weak.pk]


def test_snippets_escape_the_message_and_mark_the_words(seller_client, shop):
    order = OrderFactory(shop=shop)
    customer_thread(
        order,
        subject="Ataque",
        body="<script>alert(1)</script> mi pedido de Tom & Jerry llegó roto",
    )

    page = seller_client.get("/messages/?q=pedido").content.decode()

    assert 'data-testid="snippet"' in page
    assert "<mark>pedido</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Tom &amp; Jerry" in page


def test_search_stays_within_the_shop(api, other_shop, threads):
    customer_thread(OrderFactory(shop=other_shop), subject="Envío", body="¿Dónde está el envío?")
    assert _ids(api.get("/api/v1/threads/?q=envio")) == [threads["envio"].pk]


def test_search_combines_with_the_other_filters(api, threads):
    assert _ids(api.get("/api/v1/threads/?q=factura&participant=operator")) == []
    assert _ids(api.get("/api/v1/threads/?q=factura&participant=customer")) == [
        threads["alvaro"].pk
    ]


def test_the_inbox_page_searches_in_both_languages(seller_client, threads):
    spanish = seller_client.get("/messages/?q=donde").content.decode()
    assert "¿Dónde está mi pedido?" in spanish and "Las mejores coincidencias" in spanish
    seller_client.cookies["django_language"] = "en"
    english = seller_client.get("/messages/?q=broken").content.decode()
    assert "Broken mug" in english and "Best matches first" in english


# --- The plans use the indexes (PostgreSQL) -------------------------------------------------


def _plan(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_the_substring_filters_use_the_trigram_indexes(shop, threads):
    subject_sql, subject_params = (
        threads["donde"]
        .__class__.objects.filter(subject__normcontains="donde")
        .query.sql_with_params()
    )
    customer_sql, customer_params = Order.objects.filter(
        customer_name__normcontains="rocio"
    ).query.sql_with_params()
    reference_sql, reference_params = Order.objects.filter(
        reference__normcontains="10012"
    ).query.sql_with_params()
    assert "thread_subject_norm_trgm" in _plan(subject_sql, subject_params)
    assert "order_customer_norm_trgm" in _plan(customer_sql, customer_params)
    assert "order_reference_norm_trgm" in _plan(reference_sql, reference_params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_the_full_text_search_uses_the_gin_indexes(shop, threads):
    from django.db.models import F, TextField, Value

    from messaging.models import Message, Thread
    from messaging.search import Matches

    text = Value("envio", output_field=TextField())
    message_sql, message_params = Message.objects.filter(
        Matches(F("body"), text)
    ).query.sql_with_params()
    subject_sql, subject_params = Thread.objects.filter(
        Matches(F("subject"), text)
    ).query.sql_with_params()
    assert "message_body_search" in _plan(message_sql, message_params)
    assert "thread_subject_search" in _plan(subject_sql, subject_params)


# --- SQLite's fallback ------------------------------------------------------------------------


def test_sqlite_normalises_like_postgresql():
    class Wrapper:
        vendor = "sqlite"
        connection = sqlite3.connect(":memory:")

    _register_sqlite_function(sender=None, connection=Wrapper)
    found = Wrapper.connection.execute(
        "SELECT sd_norm('¿Dónde está mi pedido?') LIKE sd_norm('%DONDE%')"
    ).fetchone()
    assert found == (1,)
    assert normalize("Álvaro Rocío") == "alvaro rocio"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL")
def test_python_and_postgresql_normalise_alike():
    # (unaccent also turns "¿" into "?": harmless, both sides of a match go through one of them.)
    samples = ["Rocío", "ÁLVARO", "Dónde está", "Ñandú", "Çà et là", "Müller"]
    with connection.cursor() as cursor:
        for sample in samples:
            cursor.execute("SELECT sd_norm(%s)", [sample])
            assert cursor.fetchone()[0] == normalize(sample), sample
