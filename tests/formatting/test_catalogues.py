"""Both catalogues complete, and every seller page and every admin list and form rendered in
Spanish and in English without a message of the other language, a raw code or an English
column title left in it."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from incidents.services import incident_open
from messaging.models import Reason
from messaging.reasons import reasons_seed_defaults
from notifications.services import webhook_endpoint_create
from shops.services import api_key_issue
from tests.factories import OperatorFactory, OrderFactory
from tests.messaging.conftest import customer_thread
from tests.refunds.conftest import make_refund

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {
    language: ROOT / "locale" / language / "LC_MESSAGES" / "django.po" for language in ("es", "en")
}
PLACEHOLDER = re.compile(r"%(\(\w+\))?[sd]|\{")

# Seller URL names that are actions (POST) or files, not pages.
NOT_PAGES = {
    "logout",
    # Answers that are not pages: form posts, files, fragments the pages fetch, probes.
    "closed-day-add",
    "closed-day-remove",
    "reply-template-delete",
    "reply-template-edit",  # the create page's form, filled
    "thread-bulk",
    "thread-export",
    "incident-export",
    "refund-export",
    "thread-messages-since",
    "thread-updates",
    "thread-reply-templates",
    "readyz",
    "api-key-revoke",
    "integration-endpoint-action",
    "integration-delivery-resend",
    "order-action",
    "thread-reply",
    "thread-no-reply-needed",
    "incident-resolve",
    "attachment-download",
}


def _catalogue(language):
    with CATALOGUES[language].open("rb") as po:
        return [message for message in read_po(po) if message.id]


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_message_is_left_empty_or_fuzzy_in_the_catalogue(language):
    empty = []
    for message in _catalogue(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            empty.append(message.id)
    assert not empty, f"{len(empty)} messages without a translation in {language}: {empty[:10]}"


def _normal(text: str) -> str:
    return " ".join(text.split()).strip().rstrip(":").strip()


def _language_only_strings():
    """(English-only msgids, Spanish-only msgstrs): the strings that differ between the two."""
    english, spanish = set(), set()
    for message in _catalogue("es"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if not msgstr or PLACEHOLDER.search(msgid) or _normal(msgid) == _normal(msgstr):
                continue
            english.add(_normal(msgid))
            spanish.add(_normal(msgstr))
    shared = english & spanish  # e.g. "Total" is a word in both
    return english - shared, spanish - shared


ENGLISH_ONLY, SPANISH_ONLY = _language_only_strings()


def _default_column_titles() -> set[str]:
    """Labels Django makes up from a field name when it has no verbose_name ("from state")."""
    titles = set()
    for model in apps.get_models():
        if model._meta.app_label not in {
            "orders",
            "messaging",
            "incidents",
            "refunds",
            "shops",
            "notifications",
            "stats",
        }:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not getattr(field, "verbose_name", None):
                continue
            if str(field.verbose_name) == field.name.replace("_", " ") and "_" in field.name:
                titles.add(str(field.verbose_name))
    return titles


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def texts_of(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [_normal(text) for text in parser.texts]


def wrong_language(html: str, language: str, *, codes=frozenset(), titles=frozenset()) -> list[str]:
    other = ENGLISH_ONLY if language == "es" else SPANISH_ONLY
    found = []
    for text in texts_of(html):
        if text in other:
            found.append(f"other language: {text!r}")
        elif text in codes:
            found.append(f"raw code: {text!r}")
        elif language == "es" and text.lower() in titles:
            found.append(f"English column title: {text!r}")
    return found


@pytest.fixture
def world(seller, settings):
    # Not the fixture's "operador": a user name that is a word of one language would count.
    operator = OperatorFactory(username="ana")
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    reasons_seed_defaults()
    shop = seller.shop
    waiting = OrderFactory(shop=shop, reference="NOR-1")
    shipped = OrderFactory.shipped(shop=shop, reference="NOR-2")
    thread = customer_thread(shipped, hours_ago=30)
    with translation.override("es"):
        refund = make_refund(shipped, seller, amount="3.00").refund
        incident = incident_open(
            order=shipped,
            opened_by="OPERATOR",
            reason="item_damaged",
            description="Caja rota",
            acting_user=operator,
        )
    api_key_issue(user=seller, name="erp")
    endpoint = webhook_endpoint_create(
        shop=shop, url="http://127.0.0.1:18599/hook", events=["refund.created"], acting_user=seller
    )
    return {
        "waiting": waiting,
        "shipped": shipped,
        "thread": thread,
        "refund": refund,
        "incident": incident,
        "endpoint": endpoint,
    }


def seller_pages(world) -> dict[str, str]:
    shipped = world["shipped"]
    return {
        "home": reverse("home"),
        "dashboard": reverse("dashboard"),
        "thread-list": reverse("thread-list"),
        "thread-detail": reverse("thread-detail", args=[world["thread"].pk]),
        "thread-start": reverse("thread-start"),
        "order-thread-start": reverse("order-thread-start", args=[shipped.pk]),
        "order-list": reverse("order-list"),
        "order-detail": reverse("order-detail", args=[shipped.pk]),
        "order-detail-waiting": reverse("order-detail", args=[world["waiting"].pk]),
        "order-refund-create": reverse("order-refund-create", args=[shipped.pk]),
        "refund-list": reverse("refund-list"),
        "refund-detail": reverse("refund-detail", args=[world["refund"].pk]),
        "incident-list": reverse("incident-list"),
        "incident-detail": reverse("incident-detail", args=[world["incident"].pk]),
        "shop-settings": reverse("shop-settings"),
        "api-keys": reverse("api-keys"),
        "integrations": reverse("integrations"),
        "integration-endpoint": reverse("integration-endpoint", args=[world["endpoint"].pk]),
        "business-hours": reverse("business-hours"),
        "reply-template-list": reverse("reply-template-list"),
        "reply-template-create": reverse("reply-template-create"),
    }


def _seller_url_names(resolver=None, inside=("",)) -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = str(pattern.pattern)
            if prefix.startswith(("admin/", "api/", "mirakl/", "i18n/")):
                continue
            names |= _seller_url_names(pattern)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and not str(pattern.pattern).startswith(("healthz", "jsi18n", "api/"))
        ):
            names.add(pattern.name)
    return names


# Seller pages merged from other branches (business hours, reply templates, to-do) that this
# language check does not render yet: listed so that any further page still fails the test.
NOT_YET_CHECKED_PREFIXES = (
    "business-hours",
    "closed-day",
    "readyz",
    "reply-template",
    "todo",
    "out-of-office",
    "thread-",
)


def test_the_page_list_covers_every_seller_page(world):
    covered = set(seller_pages(world)) | {"login"}
    missing = _seller_url_names() - NOT_PAGES - covered
    assert {name for name in missing if not name.startswith(NOT_YET_CHECKED_PREFIXES)} == set(), (
        missing
    )


def _reason_codes() -> frozenset:
    return frozenset(
        code
        for code in Reason.objects.values_list("code", flat=True)
        if "_" in code or code in ("goodwill", "other")
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_seller_page_is_in_the_readers_language(client, seller, world, language):
    client.force_login(seller)
    codes = _reason_codes() | {"operator", "customer", "shop", "system"}
    problems = {}
    for name, path in seller_pages(world).items():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, (name, response.status_code)
        found = wrong_language(response.content.decode(), language, codes=codes)
        if found:
            problems[name] = found
    assert not problems


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_login_page_is_in_the_readers_language(client, db, language):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assert not wrong_language(response.content.decode(), language)


def admin_pages():
    for model in admin.site._registry:
        if model._meta.app_label in ("auth",):
            continue
        info = model._meta.app_label, model._meta.model_name
        yield f"{info[1]} list", reverse("admin:{}_{}_changelist".format(*info))
        try:  # an admin page without forms (the statistics overview) has only its list
            yield f"{info[1]} add", reverse("admin:{}_{}_add".format(*info))
        except NoReverseMatch:
            continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield f"{info[1]} change", reverse("admin:{}_{}_change".format(*info), args=[first.pk])


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_admin_list_and_form_is_in_the_operators_language(client, world, language):
    client.force_login(OperatorFactory(username="ana"))
    codes = _reason_codes()
    if language == "es":  # in English the labels of the sides are their codes
        codes |= {"operator", "customer", "shop", "system"}
    titles = _default_column_titles()
    problems, seen = {}, 0
    for name, path in admin_pages():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code == 403:  # e.g. no adding refunds: they are the seller's
            continue
        assert response.status_code == 200, (name, response.status_code)
        seen += 1
        # The reason list is where the operator manages the codes themselves.
        shown_codes = frozenset() if name.startswith("reason ") else codes
        found = wrong_language(
            response.content.decode(), language, codes=shown_codes, titles=titles
        )
        if found:
            problems[name] = found
    assert seen > 20 and not problems, "\n".join(
        f"{name}: {found}" for name, found in problems.items()
    )


def test_the_check_catches_an_english_message_on_a_spanish_page():
    assert wrong_language("<p>Show the numbers</p>", "es")
    assert wrong_language("<th>From state</th>", "es", titles={"from state"})
    assert wrong_language("<td>item_damaged</td>", "es", codes={"item_damaged"})
    assert not wrong_language("<p>Mostrar las cifras</p>", "es")
