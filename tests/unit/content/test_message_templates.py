"""The shipped message templates, one test per template so a failure names it (docs/journeys.md).

Each template is a valid document; every SMS stays in GSM-7 and within its budget with realistic
values; every placeholder is one the triggers of the journeys that send it provide; templates that do
not disclose name neither the crime nor the police; nothing renders with leftover ``((``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import pytest

from caseline.content import journey_definitions, message_template, template_documents
from caseline.domain.personalisation import ALERT_TIMER, REPORT_STORED, SAMPLE_VALUES, TRIGGERS, provided
from caseline.domain.sms import non_gsm_characters, sms_size
from caseline.domain.templates import placeholders, render
from tools.template_report import report, sms_row

MINIMUM_TEMPLATES = 120
CONTENT_FREE = "content-free-update"
CONTENT_FREE_UNBRANDED = "content-free-update-unbranded"
CRIME_REVEALING = frozenset(
    {
        "crime_category",
        "officer_name",
        "collar_number",
        "team_contact",
        "court",
        "charges",
        "conditions_summary",
        "update_summary",
        "reason_summary",
        "outcome_explanation",
        "outcome_summary",
        "sentence_summary",
        "hearing_type",
    }
)
POLICE_NAMING = frozenset({"force_name", "force_phone"})
KNOWN_KEYS = frozenset(
    {"id", "version", "description", "discloses", "sms_segments", "channels", "content_free", "right"}
)
_PLACEHOLDER_SYNTAX = re.compile(r"\(\([a-z_][a-z0-9_]*(\)\)|\?\?)")
_FORBIDDEN_WORDS = re.compile(r"\b(police|crime)", re.IGNORECASE)


def _load() -> dict[str, dict[str, Any]]:
    folder = resources.files("caseline.content").joinpath("templates")
    return {
        entry.name.removesuffix(".json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


DOCUMENTS = _load()
NAMES = sorted(DOCUMENTS)
WITH_SMS = [n for n in NAMES if "sms" in DOCUMENTS[n].get("channels", {})]
NOT_DISCLOSING = [n for n in NAMES if DOCUMENTS[n].get("discloses") is False]


def _channels(document: Mapping[str, Any]) -> Mapping[str, Mapping[str, str]]:
    channels: Mapping[str, Mapping[str, str]] = document.get("channels", {})
    return channels


def _texts(document: Mapping[str, Any]) -> list[str]:
    """Every piece of text the template holds: each channel's subject and body."""
    return [text for body in _channels(document).values() for text in (body.get("subject"), body.get("body")) if text]


def _placeholders(document: Mapping[str, Any]) -> set[str]:
    return set().union(*(placeholders(text) for text in _texts(document)))


def _rendered(document: Mapping[str, Any], values: Mapping[str, object]) -> dict[str, str]:
    """Every part each channel renders to: subject, text and HTML."""
    parts = {}
    for channel in _channels(document):
        message = render(message_template(document, channel), values)
        for part, text in (("subject", message.subject), ("text", message.text), ("html", message.html)):
            if text is not None:
                parts[f"{channel} {part}"] = text
    return parts


def _definitions() -> Iterable[Any]:
    definitions = journey_definitions()
    return definitions.values() if isinstance(definitions, Mapping) else definitions


def _triggers_by_template() -> dict[str, set[str]]:
    """For each template, the triggers of the journeys that may send it (its content-free stand-ins too)."""
    triggers: dict[str, set[str]] = defaultdict(set)
    for definition in _definitions():
        for template_id in definition.templates_used():
            sent = {template_id}
            document = DOCUMENTS.get(template_id, {})
            if document.get("discloses", True):
                sent |= {CONTENT_FREE, CONTENT_FREE_UNBRANDED}
            if document.get("content_free"):
                sent.add(document["content_free"])
            for each in sent:
                triggers[each].add(definition.trigger)
    return triggers


# Templates sent by a service rather than a journey, with the trigger whose placeholders they may use.
ENGINE_SENT = {
    "report-received": REPORT_STORED,
    "report-received-content-free": REPORT_STORED,
    "safety-alert-reminder": ALERT_TIMER,
}


@pytest.mark.parametrize("name", sorted(ENGINE_SENT))
def test_an_engine_sent_template_uses_only_what_its_sender_provides_and_no_journey_sends_it(name: str) -> None:
    # Given a template a service sends itself
    used = _placeholders(DOCUMENTS[name])
    # Then it uses only what that service provides, and no journey sends it as well
    assert used <= provided(ENGINE_SENT[name]), sorted(used - provided(ENGINE_SENT[name]))
    assert name not in _triggers_by_template()


def test_there_are_at_least_120_templates() -> None:
    assert len(DOCUMENTS) >= MINIMUM_TEMPLATES, f"only {len(DOCUMENTS)} templates"


@pytest.mark.parametrize("name", [CONTENT_FREE, CONTENT_FREE_UNBRANDED])
def test_the_default_content_free_templates_exist_and_disclose_nothing(name: str) -> None:
    assert name in DOCUMENTS
    assert DOCUMENTS[name]["discloses"] is False


def test_the_unbranded_content_free_template_does_not_name_the_force() -> None:
    document = DOCUMENTS.get(CONTENT_FREE_UNBRANDED)
    assert document is not None
    assert not _placeholders(document) & (POLICE_NAMING | CRIME_REVEALING)


@pytest.mark.parametrize("name", NAMES)
def test_the_document_is_valid(name: str) -> None:
    document = DOCUMENTS[name]
    # The id is the file name, the metadata is complete and typed, and no key is misspelt
    assert document.get("id") == name
    assert set(document) <= KNOWN_KEYS, f"unknown keys {sorted(set(document) - KNOWN_KEYS)}"
    assert isinstance(document.get("version"), int)
    assert document["version"] >= 1
    assert isinstance(document.get("description"), str)
    assert document["description"].strip()
    assert isinstance(document.get("discloses"), bool)
    assert isinstance(document.get("sms_segments"), int)
    assert document["sms_segments"] >= 1
    # Each channel has what it needs, non-empty
    channels = document.get("channels")
    assert isinstance(channels, dict)
    assert channels
    assert set(channels) <= {"email", "sms"}
    if "email" in channels:
        assert set(channels["email"]) == {"subject", "body"}
        assert all(isinstance(v, str) and v.strip() for v in channels["email"].values())
    if "sms" in channels:
        assert set(channels["sms"]) <= {"body", "shorten"}
        assert isinstance(channels["sms"]["body"], str)
        assert channels["sms"]["body"].strip()


@pytest.mark.parametrize("name", [n for n in NAMES if "content_free" in DOCUMENTS[n]])
def test_a_named_content_free_variant_exists_and_discloses_nothing(name: str) -> None:
    variant = DOCUMENTS[name]["content_free"]
    assert DOCUMENTS[name]["discloses"] is True, "only a disclosing template needs a content-free variant"
    assert variant in DOCUMENTS
    assert DOCUMENTS[variant]["discloses"] is False


@pytest.mark.parametrize("name", WITH_SMS)
def test_the_sms_is_gsm7_and_within_its_budget_with_sample_values(name: str) -> None:
    # Given the SMS rendered as dispatch renders it, with realistic values and every optional block on
    document = DOCUMENTS[name]
    text = _rendered(document, SAMPLE_VALUES)["sms text"]
    # When it is measured
    size = sms_size(text)
    # Then it never slips into UCS-2 and fits its segment budget
    assert size.encoding == "GSM-7", f"not GSM-7 because of {non_gsm_characters(text)}"
    assert size.segments <= document.get("sms_segments", 1), f"{size.characters} characters, {size.segments} segments"


@pytest.mark.parametrize("name", NAMES)
def test_every_placeholder_is_provided_by_each_trigger_that_sends_it(name: str) -> None:
    # Given the placeholders the template uses and the triggers of the journeys that send it
    used = _placeholders(DOCUMENTS[name])
    triggers = _triggers_by_template().get(name, set())
    # Then every trigger provides them all (and a template no journey sends yet uses only known names)
    for trigger in sorted(triggers):
        missing = used - provided(trigger)
        assert not missing, f"{trigger} does not provide {sorted(missing)}"
    known = set().union(*(provided(t) for t in TRIGGERS))
    assert used <= known, f"unknown placeholders {sorted(used - known)}"


@pytest.mark.parametrize("name", NOT_DISCLOSING)
def test_a_template_that_does_not_disclose_names_neither_crime_nor_police(name: str) -> None:
    document = DOCUMENTS[name]
    revealing = _placeholders(document) & CRIME_REVEALING
    assert not revealing, f"uses crime-revealing placeholders {sorted(revealing)}"
    for text in _texts(document):
        words = _FORBIDDEN_WORDS.findall(_PLACEHOLDER_SYNTAX.sub("", text))
        assert not words, f"says {words}"


@pytest.mark.parametrize("name", NAMES)
def test_rendering_with_sample_values_leaves_no_placeholder_syntax(name: str) -> None:
    for part, text in _rendered(DOCUMENTS[name], SAMPLE_VALUES).items():
        assert "((" not in text, f"leftover (( in {part}"


@pytest.mark.parametrize("name", NAMES)
def test_rendering_with_every_flag_off_leaves_no_placeholder_syntax(name: str) -> None:
    # Regression: a nested optional block once rendered as "((officer_name (collar number ...).))"
    values = {k: ("" if k.startswith(("has_", "is_")) else v) for k, v in SAMPLE_VALUES.items()}
    for part, text in _rendered(DOCUMENTS[name], values).items():
        assert "((" not in text, f"leftover (( in {part}"
        assert "??" not in text, f"leftover ?? in {part}"


def test_the_sample_values_are_gsm7_and_fictional() -> None:
    # The SMS measurements are only as good as the values: no UCS-2 and example.org addresses only
    assert not non_gsm_characters("".join(SAMPLE_VALUES.values()))
    urls = [v for v in SAMPLE_VALUES.values() if v.startswith("http")]
    assert urls
    assert all(re.match(r"https://([a-z0-9-]+\.)*example\.org(/|$)", url) for url in urls)


def test_the_report_covers_every_shipped_template_and_passes() -> None:
    # Given the shipped templates
    # When make templates' report is produced
    lines, ok = report(template_documents(), SAMPLE_VALUES)
    # Then it has a row per SMS template, the totals, and passes
    emails = sum("email" in _channels(d) for d in DOCUMENTS.values())
    assert lines[-1] == f"{len(DOCUMENTS)} templates ({emails} email, {len(WITH_SMS)} SMS)"
    assert len(lines) == len(WITH_SMS) + 2
    assert ok, "\n".join(line for line in lines if not line.rstrip().endswith("OK"))


def _sms_document(body: str, budget: int = 1) -> dict[str, Any]:
    return {"id": "t", "sms_segments": budget, "channels": {"sms": {"body": body}}}


@pytest.mark.parametrize(
    ("document", "result", "detail"),
    [
        (_sms_document("Hi ((name)), sign in."), "OK", ""),
        (_sms_document("We\u2019ll be in touch"), "UCS-2", "not in GSM-7: U+2019 '\u2019'"),
        (_sms_document("a" * 161), "OVER", "1 segment(s) over"),
        (_sms_document("a" * 161, budget=2), "OK", ""),
        (_sms_document("Hi ((missing))"), "ERROR", "template placeholder missing has no value"),
    ],
    ids=["ok", "curly-quote", "over-budget", "two-segment-budget", "missing-value"],
)
def test_the_report_flags_ucs2_over_budget_and_unrenderable_sms(
    document: dict[str, Any], result: str, detail: str
) -> None:
    row = sms_row(document, {"name": "Sam"})
    assert (row.result, row.detail) == (result, detail)
    lines, ok = report([document, {"id": "e", "channels": {"email": {"subject": "s", "body": "b"}}}], {"name": "Sam"})
    assert ok is (result == "OK")
    assert lines[-1] == "2 templates (1 email, 1 SMS)"


def test_every_article_a_template_links_is_a_shared_article_page_the_portal_builds() -> None:
    # The portal publishes one static page per shared (not force-only) article: /articles/<slug>.html
    from caseline.content.articles_index import article_library

    shared = {a.slug for a in article_library().articles if a.force is None}
    linked = {
        slug
        for document in DOCUMENTS.values()
        for body in document["channels"].values()
        for slug in re.findall(r"/articles/([a-z0-9-]+)\.html", body["body"])
    }
    assert linked, "no template links an article"
    assert linked <= shared, sorted(linked - shared)
    unlinked = [
        (template_id, found)
        for template_id, document in DOCUMENTS.items()
        for body in document["channels"].values()
        for found in re.findall(r"/articles/[a-z0-9-]+(?![a-z0-9-]*\.html)", body["body"])
    ]
    assert unlinked == []


def test_lazy_templates_are_read_at_first_use_and_are_the_same_templates() -> None:
    from caseline.content import LazyTemplates, message_templates

    message_templates.cache_clear()
    lazy = LazyTemplates()
    assert message_templates.cache_info().currsize == 0  # nothing read at cold start
    assert dict(lazy) == message_templates()
    assert ("access-code-reissued", "sms") in lazy and ("no-such-template", "sms") not in lazy
