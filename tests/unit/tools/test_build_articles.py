"""make articles: malformed articles are refused with the file and the field; builds are deterministic,
idempotent and say what changed."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.article_library import FIXTURE_ARTICLES, fixture_index_text
from tools.build_articles import build, changes, main, progress

TODAY = date(2026, 1, 1)
GOOD = (FIXTURE_ARTICLES / "suspect-arrested.md").read_text(encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(FIXTURE_ARTICLES, folder)
    return folder


def problems_for(folder: Path, name: str, text: str) -> list[str]:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    found = build(folder, today=TODAY, stream=io.StringIO()).problems
    return [f"{p.field_name}: {p.message}" for p in found if p.path.endswith(name)]


def test_the_fixture_library_builds_without_problems_or_warnings() -> None:
    result = build(FIXTURE_ARTICLES, today=TODAY, stream=io.StringIO())
    assert result.problems == []
    assert result.warnings == []
    assert len(result.sources) == 16


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("title: When a suspect is arrested", "title: " + "x" * 81), "title: has 81 characters; at most 80"),
        (("kind: guide", "kind: leaflet"), "kind: 'leaflet' not known"),
        (("categories: []", "categories: [burglery]"), "categories: burglery not known"),
        (("flags: []", "flags: [domestic]"), "flags: domestic not known"),
        (("stages: [investigating]", "stages: [charged]"), "stages: charged not known"),
        (("tiers: []", "tiers: [gold]"), "tiers: gold not known"),
        (("events: [org.caseline.suspect.arrested.v1]", "events: [suspect.arrested]"), "events: suspect.arrested"),
        (("outcome_types: []", "outcome_types: [19]"), "outcome_types: 19 not a Home Office outcome type"),
        (("safety: false", "safety: maybe"), "safety: must be true or false"),
        (("review_by: 2099-12-31", "review_by: soon"), "review_by: must be an ISO date"),
        (("language: en", "language: english"), "language: must be a two-letter ISO 639-1 code"),
        (("age_groups: [adult, under-18]", "age_groups: []"), "age_groups: name who it is written for"),
        (("owner: caseline-tests\n", ""), "owner: is required"),
        (("safety: false", "safety: false\nforces: [hampshire]"), "forces: is implied by the folder"),
        (("safety: false", "safety: false\npriority: 1"), "priority: unknown field"),
        (("safety: false", "safety: false\nservice:\n  name: X\n  web: https://example.org"), "service: only an"),
        (("slug: suspect-arrested", "slug: Suspect_Arrested"), "slug: must be kebab-case"),
        (("slug: suspect-arrested", "slug: someone-arrested"), "slug: 'someone-arrested' must equal the file name"),
        (("title: When a suspect is arrested", "title: [unclosed"), "front matter: is not valid YAML"),
        (("The police have", "Read [this](http://example.org). The police have"), "body: link 'http://example.org'"),
        (("The police have", "See [court](/articles/going-to-court). The police have"), "body: link /articles/going-"),
    ],
)
def test_a_malformed_article_is_refused_naming_the_file_and_the_field(
    library: Path, change: tuple[str, str], expected: str
) -> None:
    assert change[0] in GOOD
    found = problems_for(library, "suspect-arrested.md", GOOD.replace(*change))
    assert any(p.startswith(expected) for p in found), found
    result = build(library, today=TODAY, stream=io.StringIO())
    assert all("suspect-arrested.md" in str(p) for p in result.problems)
    assert result.text == ""  # nothing to write


def test_a_service_article_needs_a_safe_web_address(library: Path) -> None:
    text = (FIXTURE_ARTICLES / "victim-support.md").read_text(encoding="utf-8")
    assert problems_for(library, "victim-support.md", text.replace("https://www.example.org/", "http://x.org/")) == [
        "service.web: must be an https:// address"
    ]
    assert problems_for(
        library, "victim-support.md", text.replace("  web: https://www.example.org/victim-support\n", "")
    )[0].startswith("service.web")


def test_front_matter_must_open_the_file(library: Path) -> None:
    assert problems_for(library, "suspect-arrested.md", "Just text")[0].startswith("front matter: the file must start")


def test_an_article_in_an_unknown_force_folder_is_refused(library: Path) -> None:
    found = problems_for(library, "kent/suspect-arrested.md", GOOD)
    assert found[0].startswith("folder: articles live in articles/ or articles/<force>/")


def test_a_force_article_may_link_to_its_own_force_articles_and_a_shared_one_only_to_what_every_force_has(
    library: Path,
) -> None:
    # local-victim-services exists for both forces, so a shared article may link to it
    linking = GOOD.replace("The police have", "See [local help](/articles/local-victim-services). The police have")
    assert problems_for(library, "suspect-arrested.md", linking) == []
    (library / "hampshire" / "local-victim-services.md").unlink()
    assert problems_for(library, "suspect-arrested.md", linking) == [
        "body: link /articles/local-victim-services goes to no article"
    ]


def test_a_review_date_that_has_passed_is_a_warning_not_an_error(library: Path) -> None:
    (library / "suspect-arrested.md").write_text(GOOD.replace("2099-12-31", "2025-06-30"), encoding="utf-8")
    result = build(library, today=TODAY, stream=io.StringIO())
    assert result.problems == []
    assert [w for w in result.warnings if "review_by" in w] == [
        f"{Path(library / 'suspect-arrested.md')}: review_by: 2025-06-30 has passed; check the article is still true"
    ]


def test_raw_html_and_script_links_are_shown_as_text_and_never_rendered(library: Path) -> None:
    text = GOOD.replace(
        "The police have",
        '<script>alert("x")</script> <img src=x onerror=y> [click](javascript:alert(1)) ![i](https://x.org/i.png) '
        "The police have",
    )
    (library / "suspect-arrested.md").write_text(text, encoding="utf-8")
    result = build(library, today=TODAY, stream=io.StringIO())
    html = next(s.article.body_html for s in result.sources if s.article.slug == "suspect-arrested")
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_markdown_becomes_headings_lists_links_and_emphasis() -> None:
    document = json.loads(fixture_index_text())
    body = next(a["body_html"] for a in document["articles"] if a["slug"] == "burglary-after-a-break-in")
    assert "<h2>First steps</h2>" in body
    assert "<li>Make a list of what was taken.</li>" in body
    assert '<a href="/articles/what-happens-after-you-report">' in body


def test_the_index_is_deterministic_and_sorted() -> None:
    first, second = fixture_index_text(), build(FIXTURE_ARTICLES, today=TODAY, stream=io.StringIO()).text
    assert first == second
    document = json.loads(first)
    keys = [(a["force"] or "", a["slug"]) for a in document["articles"]]
    assert keys == sorted(keys)
    assert list(document["search"]["postings"]) == sorted(document["search"]["postings"])


def test_a_second_build_writes_nothing_and_reports_every_article_unchanged(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "articles.json"
    assert main(["--source", str(library), "--output", str(output)]) == 0
    first = output.stat().st_mtime_ns
    assert "added      16" in capsys.readouterr().out
    assert main(["--source", str(library), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "unchanged  16" in out and "nothing written" in out
    assert output.stat().st_mtime_ns == first


def test_the_report_names_what_was_added_changed_and_removed(library: Path, tmp_path: Path) -> None:
    before = build(library, today=TODAY, stream=io.StringIO()).text
    (library / "suspect-arrested.md").write_text(GOOD.replace("Being arrested", "An arrest"), encoding="utf-8")
    (library / "children-and-young-people.md").unlink()
    shutil.copy(library / "suspect-arrested.md", library / "hampshire" / "suspect-arrested.md")
    after = build(library, today=TODAY, stream=io.StringIO()).text
    assert changes(before, after) == {
        "added": ["hampshire/suspect-arrested/en"],
        "changed": ["shared/suspect-arrested/en"],
        "removed": ["shared/children-and-young-people/en"],
        "unchanged": sorted(
            k
            for k in changes(None, before)["added"]
            if k not in {"shared/suspect-arrested/en", "shared/children-and-young-people/en"}
        ),
    }


def test_malformed_articles_exit_non_zero_and_write_nothing(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "suspect-arrested.md").write_text(GOOD.replace("kind: guide", "kind: leaflet"), encoding="utf-8")
    output = tmp_path / "articles.json"
    assert main(["--source", str(library), "--output", str(output)]) == 1
    assert not output.exists()
    assert "suspect-arrested.md: kind: 'leaflet' not known" in capsys.readouterr().err


def test_check_fails_on_a_stale_index_without_writing_it(library: Path, tmp_path: Path) -> None:
    output = tmp_path / "articles.json"
    output.write_text("{}", encoding="utf-8")
    assert main(["--source", str(library), "--output", str(output), "--check"]) == 1
    assert output.read_text(encoding="utf-8") == "{}"


def test_draft_builds_treat_links_to_unwritten_articles_as_warnings(library: Path) -> None:
    text = GOOD.replace("The police have", "See [court](/articles/going-to-court). The police have")
    (library / "suspect-arrested.md").write_text(text, encoding="utf-8")
    result = build(library, today=TODAY, stream=io.StringIO(), draft=True)
    assert result.problems == [] and result.text
    assert any("/articles/going-to-court goes to no article" in w for w in result.warnings)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_on_a_terminal_and_prints_once_elsewhere() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    for done in range(1, 5):
        progress(done, 4, terminal, width=4)
        progress(done, 4, pipe, width=4)
    assert terminal.getvalue() == (
        "\rChecking articles [#...] 1/4\rChecking articles [##..] 2/4"
        "\rChecking articles [###.] 3/4\rChecking articles [####] 4/4\n"
    )
    assert pipe.getvalue() == "\rChecking articles [####] 4/4\n"
