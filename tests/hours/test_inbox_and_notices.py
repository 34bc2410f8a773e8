"""The forecast in the inbox and on a thread, the filter "goes overdue while you are closed",
the digest warning before a closure and the out-of-office acknowledgement (outbox)."""

from datetime import datetime, time, timedelta

import holidays
import pytest
from django.core import mail
from django.utils import timezone

from hours import services
from hours.models import ShopCalendarSettings
from messaging.models import Message
from messaging.services import message_import, thread_import
from notifications.models import Notice
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db


def _close_soon(shop, *, closes_in=timedelta(hours=1)):
    """Open every day from one hour ago until `closes_in` from now (in the shop's zone), so the
    tests do not depend on the day they run."""
    now = timezone.localtime(timezone.now(), shop.tzinfo)
    opens = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    closes = (now + closes_in).time().replace(second=0, microsecond=0)
    if not opens < closes:
        pytest.skip("too close to midnight in the shop's zone")
    services.business_hours_set(
        shop=shop, periods=[(day, opens, closes) for day in range(7)], country="ES"
    )
    return now + closes_in


@pytest.fixture
def closing_shop(shop):
    _close_soon(shop)
    return shop


def test_the_inbox_shows_the_forecast_and_filters_by_it(seller_client, closing_shop):
    order = OrderFactory(shop=closing_shop)
    # Due in ~3 h, when the shop (closing in 1 h) is closed.
    late = customer_thread(order, hours_ago=45, subject="Cierra antes")
    # Already overdue: nothing left to forecast.
    customer_thread(order, hours_ago=50, subject="Ya vencido")

    seller_client.cookies["django_language"] = "en"
    page = seller_client.get("/messages/").content.decode()
    assert 'data-testid="forecast"' in page
    assert "while you are closed" in page

    filtered = seller_client.get("/messages/?deadline=while_closed").content.decode()
    assert "Cierra antes" in filtered
    assert "Ya vencido" not in filtered
    assert late.subject == "Cierra antes"


def test_the_api_filters_by_goes_overdue_while_closed(api, closing_shop):
    order = OrderFactory(shop=closing_shop)
    late = customer_thread(order, hours_ago=45)
    overdue = customer_thread(order, hours_ago=50)

    found = api.get("/api/v1/threads/?deadline=while_closed").json()["results"]

    assert [item["id"] for item in found] == [late.pk]
    assert overdue.pk not in [item["id"] for item in found]
    forecast = found[0]["forecast"]
    assert forecast["due_while_closed"] is True
    assert forecast["answer_before"] is not None and forecast["reopens_at"] is not None
    detail = api.get(f"/api/v1/threads/{late.pk}/").json()
    assert detail["forecast"] == forecast
    assert api.get(f"/api/v1/threads/{overdue.pk}/").json()["forecast"] is None


def test_the_thread_page_says_in_spanish_when_to_answer(seller_client, closing_shop):
    order = OrderFactory(shop=closing_shop)
    thread = customer_thread(order, hours_ago=45)

    page = seller_client.get(f"/messages/{thread.pk}/").content.decode()

    assert 'data-testid="forecast"' in page
    assert "mientras está cerrado" in page


def _noon_three_days_ago(shop, *, opens=time(9), closes=time(13)):
    """A fixed moment in the past (threads may be written then), with hours around it."""
    day = timezone.localtime(timezone.now(), shop.tzinfo).date() - timedelta(days=3)
    spain = holidays.country_holidays("ES")
    while day in spain or day + timedelta(days=1) in spain:
        day -= timedelta(days=1)
    services.business_hours_set(
        shop=shop, periods=[(weekday, opens, closes) for weekday in range(7)], country="ES"
    )
    return datetime.combine(day, time(12), tzinfo=shop.tzinfo)


def _written(order, at, subject="Pregunta"):
    return thread_import(
        order=order,
        author="customer",
        reason_code="order_question",
        subject=subject,
        body="¿Hola?",
        sent_at=at,
        acting_user=None,
    )


def test_the_digest_warns_before_closing_once_per_closure(shop):
    now = _noon_three_days_ago(shop)  # closes at 13:00, opens again at 09:00
    order = OrderFactory(shop=shop)
    tonight = _written(order, now - timedelta(hours=45), subject="Vence esta tarde")
    _written(order, now - timedelta(hours=20), subject="Vence mañana por la tarde")

    first = services.closure_warnings_send(now=now)
    second = services.closure_warnings_send(now=now + timedelta(minutes=30))

    assert [warning.thread_ids for warning in first] == [[tonight.pk]]
    assert second == []
    notice = Notice.objects.get(event="thread.closure_warning")
    assert [item["subject"] for item in notice.params["threads"]] == ["Vence esta tarde"]


def test_the_digest_waits_for_the_last_open_hours(shop):
    now = _noon_three_days_ago(shop, closes=time(17))  # 5 h left; CLOSURE_WARNING_HOURS is 2
    _written(OrderFactory(shop=shop), now - timedelta(hours=45))
    assert services.closure_warnings_send(now=now) == []


def test_the_digest_email_is_in_the_shops_language(shop, send_outbox):
    shop.language = "en"
    shop.save()
    now = _noon_three_days_ago(shop)
    _written(OrderFactory(shop=shop), now - timedelta(hours=45), subject="Late at night")
    services.closure_warnings_send(now=now)

    send_outbox()

    email = next(item for item in mail.outbox if "closed" in item.subject)
    assert email.subject.startswith("1 conversation goes overdue while you are closed")
    assert "Late at night" in email.body


@pytest.mark.parametrize(
    ("language", "subject"),
    [("es", "Pregunta sobre el pedido · pedido"), ("en", "Question about the order · order")],
)
def test_the_digest_writes_an_automatic_subject_in_the_shops_language(
    shop, send_outbox, language, subject
):
    # A thread whose subject SellerDesk wrote keeps it as data: the mail renders it for the
    # shop, not in the words of whoever imported the thread, and names the order once.
    shop.language = language
    shop.save()
    now = _noon_three_days_ago(shop)
    order = OrderFactory(shop=shop)
    _written(order, now - timedelta(hours=45), subject="")
    services.closure_warnings_send(now=now)

    send_outbox()

    email = next(item for item in mail.outbox if item.to == [shop.email])
    line = next(row for row in email.body.splitlines() if row.startswith("- "))
    assert line == f"- {subject} {order.reference}"


def _closed_now(shop):
    now = timezone.localtime(timezone.now(), shop.tzinfo)
    # Open tomorrow's weekday only: closed now whatever the hour.
    services.business_hours_set(
        shop=shop,
        periods=[((now.weekday() + 1) % 7, time(9), time(18))],
        country="ES",
        out_of_office=True,
        out_of_office_es="Gracias por escribirnos: estamos cerrados.",
        out_of_office_en="Thanks for writing: we are closed.",
    )


def test_out_of_office_is_sent_only_after_the_operator_approves(shop, operator, send_outbox):
    _closed_now(shop)
    order = OrderFactory(shop=shop, customer_language="en")
    customer_thread(order)
    assert not Notice.objects.filter(event="thread.out_of_office").exists()

    services.out_of_office_approve(
        queryset=ShopCalendarSettings.objects.filter(shop=shop), acting_user=operator
    )
    thread = customer_thread(order, subject="Otra")
    # A second message in the same thread and closure: still one acknowledgement.
    message_import(thread=thread, author="customer", body="¿Hola?", acting_user=None)
    send_outbox()

    notices = Notice.objects.filter(event="thread.out_of_office")
    assert notices.count() == 1
    email = next(item for item in mail.outbox if item.to == [order.customer_email])
    assert "Thanks for writing: we are closed." in email.body
    # Never the shop's reply: the thread still awaits one, and no shop message exists.
    thread.refresh_from_db()
    assert thread.reply_needed_since is not None
    assert not Message.objects.filter(thread=thread, author="SHOP").exists()


def test_changing_the_wording_withdraws_the_approval(shop, operator):
    _closed_now(shop)
    services.out_of_office_approve(
        queryset=ShopCalendarSettings.objects.filter(shop=shop), acting_user=operator
    )
    services.business_hours_set(
        shop=shop, periods=[], country="ES", out_of_office=True, out_of_office_es="Otro texto"
    )
    assert ShopCalendarSettings.objects.get(shop=shop).out_of_office_approved_at is None


def test_the_hours_page_saves_in_both_languages(seller_client, shop):
    spanish = seller_client.get("/settings/hours/").content.decode()
    assert "Horario de atención" in spanish
    data = {
        "country": "ES",
        "subdivision": "MD",
        "d0_1_opens": "09:00",
        "d0_1_closes": "14:00",
        "d0_2_opens": "16:00",
        "d0_2_closes": "19:00",
    }
    assert seller_client.post("/settings/hours/", data).status_code == 302
    seller_client.cookies["django_language"] = "en"
    english = seller_client.get("/settings/hours/").content.decode()
    assert "Business hours" in english and 'value="16:00"' in english

    bad = seller_client.post(
        "/settings/hours/", {"country": "ES", "d1_1_opens": "18:00", "d1_1_closes": "09:00"}
    )
    assert bad.status_code == 400
    assert "Tuesday" in bad.content.decode()


def test_holidays_are_named_in_the_readers_language(seller_client, shop):
    from hours.calendar import ShopCalendar

    calendar = ShopCalendar(tz=shop.tzinfo, country="ES", subdivision="MD")
    christmas = datetime(2026, 12, 25).date()
    from django.utils import translation

    with translation.override("es"):
        assert calendar.holiday_name(christmas) == "Natividad del Señor"
    with translation.override("en"):
        assert calendar.holiday_name(christmas) == "Christmas Day"


def test_a_closed_day_is_added_and_listed(seller_client, shop):
    day = (timezone.now() + timedelta(days=10)).date()
    seller_client.post(
        "/settings/hours/closed-days/", {"day": day.isoformat(), "note": "Inventario"}
    )
    page = seller_client.get("/settings/hours/").content.decode()
    assert "Inventario" in page
    again = seller_client.post("/settings/hours/closed-days/", {"day": day.isoformat()})
    assert again.status_code == 400
