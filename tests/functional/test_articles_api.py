"""Support articles through the real victim API handler: public search and reading without signing in,
the same hard filters, problem details for bad requests, and recommendations in the case view."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from caseline.content.articles_index import article_library
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import Context, StreamReader, api_event, load_handler, webhook_request


@pytest.fixture
def api(aws: Template) -> ModuleType:
    return load_handler("victim_api")


def get(api: ModuleType, path: str, query: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """A GET with no sign-in at all (API Gateway passes no authorizer claims on these routes)."""
    slug = path.removeprefix("/v1/articles/") if path.startswith("/v1/articles/") else None
    event = api_event(
        "GET",
        path,
        resource="/v1/articles/{slug}" if slug else "/v1/articles",
        path_parameters={"slug": slug} if slug else None,
    )
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in (query or {}).items()} or None
    response = api.lambda_handler(event, Context())
    headers = {name: values[0] for name, values in response["multiValueHeaders"].items()}
    return response["statusCode"], headers, json.loads(response["body"])


def test_anyone_can_search_the_articles_and_typos_are_forgiven(api: ModuleType) -> None:
    status, headers, body = get(api, "/v1/articles", {"q": "compensasion", "limit": "3"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=300"
    assert body["query"] == "compensasion"
    assert body["articles"][0] == {
        "slug": "compensation-cica",
        "title": body["articles"][0]["title"],
        "summary": body["articles"][0]["summary"],
        "kind": "guide",
        "safety": False,
        "url": "/articles/compensation-cica.html",
    }
    assert len(body["articles"]) <= 3


def test_without_a_query_the_whole_shared_library_can_be_browsed(api: ModuleType) -> None:
    status, _, body = get(api, "/v1/articles", {"limit": "200"})
    shared = {a.slug for a in article_library().articles if a.force is None}
    assert status == 200 and body["query"] is None
    assert {a["slug"] for a in body["articles"]} == shared
    assert body["articles"][0]["safety"] is True  # keeping-safe articles first
    assert len(get(api, "/v1/articles")[2]["articles"]) == 20  # the default limit


def test_one_article_is_served_as_safe_html_with_its_portal_url(api: ModuleType) -> None:
    status, headers, body = get(api, "/v1/articles/going-to-court")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=300"
    assert body["slug"] == "going-to-court" and body["url"] == "/articles/going-to-court.html"
    assert "<h2>" in body["body_html"] and "<script" not in body["body_html"]
    assert body["force_id"] is None and body["language"] == "en"


def test_a_force_s_own_article_needs_that_force_and_a_young_people_s_article_is_not_shown_to_adults(
    api: ModuleType,
) -> None:
    assert get(api, "/v1/articles/local-victim-services")[0] == 404
    status, _, body = get(api, "/v1/articles/local-victim-services", {"force_id": "hampshire"})
    assert status == 200 and body["force_id"] == "hampshire"
    assert get(api, "/v1/articles/childline", {"age_group": "adult"})[0] == 404
    assert get(api, "/v1/articles/childline", {"age_group": "under-18"})[0] == 200
    searched = get(api, "/v1/articles", {"q": "childline", "age_group": "adult"})[2]["articles"]
    assert "childline" not in [a["slug"] for a in searched]


@pytest.mark.parametrize(
    ("path", "query", "status", "problem"),
    [
        ("/v1/articles/no-such-article", None, 404, "not-found"),
        ("/v1/articles/Going_To_Court", None, 422, "validation"),
        ("/v1/articles", {"q": "x" * 201}, 422, "validation"),
        ("/v1/articles", {"limit": "0"}, 422, "validation"),
        ("/v1/articles", {"age_group": "elderly"}, 422, "validation"),
        ("/v1/articles", {"language": "english"}, 422, "validation"),
    ],
)
def test_bad_requests_are_problem_details(
    api: ModuleType, path: str, query: dict[str, str] | None, status: int, problem: str
) -> None:
    found, headers, body = get(api, path, query)
    assert (found, body["type"]) == (status, f"urn:caseline:problem:{problem}")
    assert headers["Content-Type"] == "application/problem+json"


def test_a_cold_start_imports_no_article_module_nor_the_fuzzy_matcher() -> None:
    root = Path(__file__).resolve().parents[2]
    probe = (
        "import sys, handler; "
        "print(sorted(m for m in sys.modules if m.startswith(('caseline.domain.articles', 'rapidfuzz', 'yaml'))))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root / "layers" / "core"), str(root / "functions" / "victim_api")]),
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_METRICS_NAMESPACE": "test",
    }
    found = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "[]"


def test_the_handler_does_not_read_the_index_until_an_article_is_asked_for(aws: Template) -> None:
    article_library.cache_clear()
    api = load_handler("victim_api")
    assert article_library.cache_info().currsize == 0  # a cold start pays nothing for articles
    get(api, "/v1/articles/going-to-court")
    assert article_library.cache_info().currsize == 1


def signed_in(api: ModuleType, method: str, path: str, resource: str, body: Any = None) -> tuple[int, Any]:
    params = dict(zip(("force_id", "case_id"), path.split("/")[3:5], strict=False)) or None
    event = api_event(
        method,
        path,
        resource=resource,
        path_parameters=params,
        headers={"Content-Type": "application/json"},
        body=json.dumps(body) if body is not None else None,
        claims={"sub": "alex"},
    )
    response = api.lambda_handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def test_the_case_view_recommends_articles_with_a_reason(aws: Template) -> None:
    # Given a recorded burglary whose confirmation (with its access code) has been sent
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    ingest, journeys, dispatch = load_handler("webhook_ingest"), load_handler("journeys"), load_handler("dispatch")
    journey_stream, dispatch_stream = StreamReader(aws, "JourneysFunction"), StreamReader(aws, "DispatchFunction")
    assert ingest.lambda_handler(webhook_request("thames-valley", crime_recorded("TVP-A-1")), Context())["statusCode"]
    journeys.lambda_handler({"Records": journey_stream.new_records()}, Context())
    dispatch.lambda_handler({"Records": dispatch_stream.new_records()}, Context())
    texts = [text for _, (_, text, *_) in sns_backends[DEFAULT_ACCOUNT_ID]["eu-west-2"].sms_messages.items()]
    code = next(m.group(1) for t in texts if (m := re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", t)))
    api = load_handler("victim_api")
    link = {"crime_reference": "43260001234", "access_code": code}
    assert signed_in(api, "POST", "/v1/me/links", "/v1/me/links", link)[0] == 201
    # When the victim opens the case
    status, view = signed_in(api, "GET", "/v1/cases/thames-valley/TVP-A-1", "/v1/cases/{force_id}/{case_id}")
    # Then the articles for a burglary at this stage come with the reason for each
    assert status == 200
    recommended = view["recommended_articles"]
    assert 1 <= len(recommended) <= 5
    by_slug = {article["slug"]: article for article in recommended}
    assert by_slug["burglary-after-a-break-in"]["reason"].startswith("Because your case is about burglary")
    assert all(set(article) == {"slug", "title", "summary", "reason"} and article["reason"] for article in recommended)


def test_the_article_routes_are_documented_as_public_and_the_template_lets_anyone_call_them(aws: Template) -> None:
    from caseline_local.openapi import build

    root = Path(__file__).resolve().parents[2]
    paths = build(root)["paths"]
    for path in ("/v1/articles", "/v1/articles/{slug}"):
        assert "security" not in paths[path]["get"], path
        assert "401" not in paths[path]["get"]["responses"], path
    assert "404" in paths["/v1/articles/{slug}"]["get"]["responses"]
    events = aws.resources["VictimApiFunction"]["Properties"]["Events"]
    public = {
        e["Properties"]["Path"] for e in events.values() if e["Properties"].get("Auth", {}).get("Authorizer") == "NONE"
    }
    assert {"/v1/articles", "/v1/articles/{slug}"} <= public
