"""Schema-driven checks (schemathesis) of the whole open API, in-process through the WSGI application:
for every operation of /api/v1/openapi.json, generated requests (valid and invalid parameters, with and
without the token, other methods) get answers that the document describes — status codes, content types,
bodies matching their schemas — and never a server error. A bounded number of examples per operation
keeps it to seconds on SQLite."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from govportal.portal.models import ArticlePage, PolicyDocumentPage
from tests.conftest import column
from tests.portal.kinds import publish

ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


def _schema():
    from django.core.wsgi import get_wsgi_application

    from govportal.api.api import api

    # The document the API serves at /api/v1/openapi.json (built without a database, at collection).
    # A made-up cursor fits the document (a string) and is refused with the documented 400 (游标无效).
    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}}}
    )
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture
def api_token(db, qinzhou, main_site, other_site, token):
    publish(column(qinzhou, "动态信息", "政务要闻"), ArticlePage, "接口测试新闻", body="<p>正文</p>")
    publish(
        column(qinzhou, "政府信息公开", "政策文件"),
        PolicyDocumentPage,
        "接口测试文件",
        document_number="钦政规〔2026〕9号",
        issuing_organ="钦州市人民政府",
        body="<p>正文</p>",
    )
    # As Django's test client does: the WSGI handler would close the test transaction's connection at the
    # end of each request (PostgreSQL: "the connection is closed" on the next one).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield token(all_sites=True, rate="100000/m")[1]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_document_checked_is_the_one_served(client):
    from govportal.api.api import api

    built = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    assert client.get("/api/v1/openapi.json").json() == built


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"})
