"""The OpenAPI document lists every endpoint with a Chinese summary; no CDN-backed docs page."""

import re

from django.test import Client

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/orgs"),
    ("post", "/api/v1/orgs"),
    ("get", "/api/v1/orgs/{id}"),
    ("patch", "/api/v1/orgs/{id}"),
    ("get", "/api/v1/orgs/{id}/children"),
    ("post", "/api/v1/orgs/{id}/move"),
    ("post", "/api/v1/orgs/{id}/deactivate"),
    ("get", "/api/v1/enterprises"),
    ("post", "/api/v1/enterprises"),
    ("get", "/api/v1/enterprises/{id}"),
    ("patch", "/api/v1/enterprises/{id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("post", "/api/v1/users/{id}/roles"),
    ("delete", "/api/v1/users/{id}/roles/{assignment_id}"),
    ("get", "/api/v1/audit-events"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/members"),
    ("post", "/api/v1/members"),
    ("get", "/api/v1/members/{id}"),
    ("patch", "/api/v1/members/{id}"),
    ("post", "/api/v1/members/imports"),
    ("get", "/api/v1/members/imports/{id}"),
    ("post", "/api/v1/members/imports/{id}/commit"),
    ("get", "/api/v1/members/imports/{id}/errors"),
    ("post", "/api/v1/members/imports/{id}/errors/unmasked"),
    ("delete", "/api/v1/members/imports/{id}"),
    ("post", "/api/v1/join-applications"),
    ("post", "/api/v1/join-applications/status"),
    ("get", "/api/v1/join-applications"),
    ("get", "/api/v1/join-applications/{id}"),
    ("post", "/api/v1/join-applications/{id}/approve"),
    ("post", "/api/v1/join-applications/{id}/reject"),
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_endpoint_with_a_chinese_summary(db):
    # when
    schema = _schema(db)
    # then
    operations = {
        (method, path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    # (That no operation escapes the permission matrix is test_matrix_coverage's job.)
    assert set(operations) >= EXPECTED_OPERATIONS
    for key, operation in operations.items():
        assert CHINESE.search(operation["summary"]), key
        assert operation["tags"] and CHINESE.search(operation["tags"][0]), key


def test_openapi_documents_both_auth_methods_and_the_error_shape(db):
    # when
    schema = _schema(db)
    # then
    assert schema["info"]["title"] == "工会一站式服务平台 API"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    get_org = schema["paths"]["/api/v1/orgs/{id}"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(get_org)


def test_there_is_no_docs_page_loading_assets_from_a_cdn(db):
    # when
    response = Client().get("/api/v1/docs")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
