"""Bad input is a 400 (or the first page), never a 500: each case found by the fuzzer or by hand,
and the class it stands for."""

import json

import pytest
from django.test import override_settings

from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status, code=None):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["detail"], str)
    if code:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents/?opened_before=2482-08-12T16:13:17-22:45",
        "/api/v1/incidents/?opened_after=0001-01-01T00:00:00%2B05:00",
        "/api/v1/orders/?created_before=9999-12-31T23:59:59-10:00",
        "/api/v1/orders/?shipped_after=0056-02-26T06:25:03-17:41",
        "/api/v1/refunds/?created_after=0056-02-26T06:25:03-17:41",
        "/api/v1/threads/?last_message_before=2482-08-12T16:13:17%2B16:00",
    ],
)
def test_date_time_filters_postgresql_cannot_store_are_a_400(api, path):
    body = assert_error_shape(api.get(path), 400, "invalid")
    assert body["fields"]


def test_the_operators_date_time_filters_too(operator_api):
    response = operator_api.get("/api/v1/operator/refunds/?created_after=0056-02-26T06:25:03-17:41")
    assert_error_shape(response, 400, "invalid")


def test_a_sane_date_time_filter_still_works(api, order):
    response = api.get("/api/v1/orders/?created_after=2000-01-01T00:00:00%2B02:00")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [order.pk]


@pytest.mark.parametrize("path", ["/api/v1/refunds/?order=²", "/api/v1/incidents/?order=²"])
def test_integer_filters_are_parsed_safely(api, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_id_beyond_bigint_in_a_filter_matches_nothing(api):
    response = api.get("/api/v1/refunds/?order=99999999999999999999999")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/orders/?created_before=9999-12-31",
        "/orders/?shipped_before=9999-12-31",
        "/messages/?last_message_before=9999-12-31",
        "/refunds/?created_before=9999-12-31",
        "/incidents/?opened_before=9999-12-31",
        "/messages/?after=-100000000000000000_1",
        "/messages/?before=1_99999999999999999999999",
        "/messages/?after=²_1",
    ],
)
def test_pages_with_out_of_range_dates_and_cursors_answer(seller_client, order, path):
    assert seller_client.get(path).status_code == 200


def _import_body(**overrides):
    body = {
        "shop": "norte",
        "reference": "IMP-1",
        "customer": {"name": "Ana Ruiz", "email": "ana@example.com"},
        "lines": [{"sku": "LIB-1", "title": "Libro", "quantity": 1, "unit_price": "10.00"}],
    }
    body.update(overrides)
    return body


def test_an_import_without_shipping_amount_defaults_to_zero(operator_api, shop):
    response = operator_api.post("/api/v1/operator/orders/", _import_body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["shipping_amount"] == "0.00"
    assert response.json()["total_amount"] == "10.00"


@pytest.mark.parametrize(
    "overrides",
    [
        {"shipping_amount": "100000000000.00"},
        {"shipping_amount": "99999999999999999999"},
        {"lines": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "1e20"}]},
        {"lines": [{"sku": "A", "title": "A", "quantity": 100000, "unit_price": "999999.99"}]},
        {"lines": [{"sku": "A", "title": "A", "quantity": 10**30, "unit_price": "1.00"}]},
        {"created_at": "0001-01-01T00:00:00+05:00"},
    ],
)
def test_amounts_and_quantities_beyond_the_columns_are_a_400(operator_api, shop, overrides):
    response = operator_api.post(
        "/api/v1/operator/orders/", _import_body(**overrides), format="json"
    )
    assert_error_shape(response, 400, "invalid")


def test_a_refund_line_id_beyond_bigint_is_a_400(api, shop):
    order = OrderFactory(shop=shop, state="SHIPPED")
    response = api.post(
        f"/api/v1/orders/{order.pk}/refunds/",
        {"reason": "goodwill", "lines": [{"line": 10**20, "quantity": 1}]},
        format="json",
    )
    assert_error_shape(response, 400)


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_a_json_body_nested_too_deep_is_a_400(api, order, depth):
    body = '{"body": ' + _nested(depth) + ', "recipient": "customer", "reason": "x"}'
    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/", body, content_type="application/json"
    )
    assert_error_shape(response, 400, "parse_error")


def test_a_json_body_nested_too_deep_under_mirakl_keeps_miraklss_shape(api, shop):
    response = api.post(
        "/mirakl/api/inbox/threads/1/message",
        _nested(2000),
        content_type="application/json",
        HTTP_AUTHORIZATION=api._credentials["HTTP_AUTHORIZATION"].replace("Token ", ""),
    )
    assert response.status_code in (400, 401, 404)
    assert "status" in response.json()


def test_brackets_inside_strings_do_not_count_as_depth(api, order):
    body = json.dumps({"recipient": "customer", "reason": "nope", "body": "[" * 500})
    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/", body, content_type="application/json"
    )
    assert response.json()["code"] != "parse_error"


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_multipart_body_over_the_field_limit_is_a_413_in_the_error_shape(api, order):
    data = {f"field{index}": "x" for index in range(20)}
    response = api.post(f"/api/v1/orders/{order.pk}/threads/", data, format="multipart")
    assert_error_shape(response, 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_size_limit_is_a_413_in_the_error_shape(api, order):
    body = json.dumps({"recipient": "customer", "reason": "x", "body": "x" * 5000})
    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/", body, content_type="application/json"
    )
    assert_error_shape(response, 413, "request_too_large")
