"""The published schema describes what the API answers: every field an order carries at run
time, nullable date-times, and the error shape for every error status."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return yaml.safe_load(client.get("/api/schema/").content)


def test_every_field_of_an_order_is_declared(api, schema, shop):
    from tests.factories import OrderFactory

    order = OrderFactory.shipped(shop=shop)
    body = api.get(f"/api/v1/orders/{order.pk}/").json()

    declared = schema["components"]["schemas"]["OrderDetailOutput"]["properties"]
    assert set(body) - set(declared) == set()
    assert declared["received_at"]["nullable"] is True
    assert declared["closed_at"]["nullable"] is True


@pytest.mark.parametrize("status", ["400", "401", "403", "404", "409", "413", "429", "503"])
def test_every_creating_post_documents_the_error_shape(schema, status):
    operation = schema["paths"]["/api/v1/orders/{id}/refunds/"]["post"]
    content = operation["responses"][status]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]


def test_an_unknown_path_under_the_api_is_a_json_404_whatever_the_method(api):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)("/api/v1/webhooks/null,null/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
