"""Domain errors are mapped to HTTP in one place: pages for people, JSON for the API."""

import json

import pytest
from django.test import Client, RequestFactory

from linli.errors import Conflict, DomainError, DomainErrorMiddleware, Forbidden, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def test_error_classes_carry_status_code_and_a_message():
    assert (NotFound.status, Forbidden.status, ValidationFailed.status, Conflict.status) == (404, 403, 422, 409)
    error = ValidationFailed("姓名不能为空", code="no_name", details=[{"row": 2}])
    assert error.as_dict() == {"code": "no_name", "message": "姓名不能为空", "details": [{"row": 2}]}
    assert NotFound().as_dict()["code"] == "not_found" and NotFound().as_dict()["message"]
    assert str(DomainError()) == str(DomainError.default_message)


def test_the_middleware_renders_a_page_with_the_status():
    middleware = DomainErrorMiddleware(lambda r: None)
    request = RequestFactory().get("/console/residents/")
    request.htmx = False
    response = middleware.process_exception(request, Forbidden("不可以"))
    assert response.status_code == 403 and "不可以" in response.content.decode()
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_the_middleware_answers_htmx_with_a_fragment():
    middleware = DomainErrorMiddleware(lambda r: None)
    request = RequestFactory().get("/console/residents/")
    request.htmx = True
    body = middleware.process_exception(request, Conflict("已导入")).content.decode()
    assert "已导入" in body and "<html" not in body


def test_the_middleware_answers_json_under_the_api():
    middleware = DomainErrorMiddleware(lambda r: None)
    request = RequestFactory().get("/api/v1/anything")
    response = middleware.process_exception(request, NotFound())
    assert response.status_code == 404 and json.loads(response.content)["code"] == "not_found"


def test_an_unknown_api_path_is_a_json_404(world, login):
    client = login(world.user("staff_a"))
    for url in ("/api/v1/no-such-thing", "/api/v2/residents/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_a_malformed_id_in_the_api_is_a_json_422(world, login):
    response = login(world.user("staff_a")).get("/api/v1/residents/abc")
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_an_unknown_page_is_the_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
