"""make articles: check every article Markdown file and write the prebuilt index the Lambda reads.

  python tools/build_articles.py            build, report what changed, write the index if it did
  python tools/build_articles.py --check    exit 1 if the committed index is not what a build would write

  python tools/build_articles.py --draft --output /tmp/articles.json
                                            while the library fills up: a link to an article not
                                            written yet is a warning, not an error

Malformed articles are listed (file: field: problem) and nothing is written (exit 1). Warnings (a
review date that has passed, a top-level heading) do not stop the build. Building twice writes nothing
the second time.
"""

# ruff: noqa: T201  (a command-line report: printing is its job)
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from caseline.domain.articles.library import INDEX_FORMAT
from caseline.domain.articles.search import SearchDocument, build_search_index
from tools.article_source import ArticleProblem, SourceArticle, check_links, display, parse_article

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "layers" / "core" / "caseline" / "content"
SOURCE = CONTENT / "articles"
OUTPUT = CONTENT / "articles.json"
IGNORED = {"README.md"}


@dataclass
class BuildResult:
    sources: list[SourceArticle] = field(default_factory=list)
    problems: list[ArticleProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""


def article_files(source: Path) -> list[Path]:
    if not source.is_dir():
        return []
    return sorted(p for p in source.rglob("*.md") if p.name not in IGNORED and not p.name.startswith(("_", ".")))


def progress(done: int, total: int, stream: TextIO, width: int = 30) -> None:
    """A one-line bar redrawn in place on a terminal; elsewhere only the finished bar is printed."""
    if not stream.isatty() and done != total:
        return
    filled = width * done // total if total else width
    end = "\n" if done == total else ""
    stream.write(f"\rChecking articles [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
    stream.flush()


def serialise(sources: list[SourceArticle]) -> str:
    """The index as text: sorted, one article per line and one search word per line, so diffs read well."""
    ordered = sorted(sources, key=lambda s: (s.article.force or "", s.article.slug, s.article.language))
    search = build_search_index([SearchDocument(s.article.title, s.article.summary, s.body_text) for s in ordered])

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    articles = ",\n".join(line(s.article.to_dict()) for s in ordered)
    postings = ",\n".join(f"{line(word)}:{line(entries)}" for word, entries in search["postings"].items())
    return (
        f'{{"format":{INDEX_FORMAT},\n"articles":[\n{articles}\n],\n"search":{{\n'
        f'"field_weights":{line(search["field_weights"])},\n"lengths":{line(search["lengths"])},\n'
        f'"postings":{{\n{postings}\n}}}}}}\n'
    )


def build(
    source: Path = SOURCE, *, today: date | None = None, stream: TextIO | None = None, draft: bool = False
) -> BuildResult:
    result = BuildResult()
    files = article_files(source)
    out = stream or sys.stderr
    for number, path in enumerate(files, start=1):
        try:
            parsed = parse_article(path, source, today or date.today())
        except ArticleProblem as problem:
            result.problems.append(problem)
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(ArticleProblem(display(path), "file", f"cannot be read ({type(exc).__name__})"))
        else:
            result.sources.append(parsed)
            result.warnings.extend(parsed.warnings)
        progress(number, len(files), out)
    broken = check_links(result.sources)
    if draft:
        result.warnings.extend(str(problem) for problem in broken)
    else:
        result.problems.extend(broken)
    if not result.problems:
        result.text = serialise(result.sources)
    return result


def changes(previous: str | None, current: str) -> dict[str, list[str]]:
    """added / changed / removed / unchanged article keys between two index texts."""

    def articles(text: str | None) -> dict[str, dict[str, Any]]:
        if not text:
            return {}
        try:
            document = json.loads(text)
            return {f"{a['force'] or 'shared'}/{a['slug']}/{a['language']}": a for a in document["articles"]}
        except (ValueError, KeyError, TypeError):
            return {}

    before, after = articles(previous), articles(current)
    return {
        "added": sorted(after.keys() - before.keys()),
        "changed": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
        "removed": sorted(before.keys() - after.keys()),
        "unchanged": sorted(k for k in after.keys() & before.keys() if after[k] == before[k]),
    }


def report(diff: dict[str, list[str]], stream: TextIO) -> None:
    for name in ("added", "changed", "removed", "unchanged"):
        keys = diff[name]
        listed = "" if name == "unchanged" or not keys else "  " + ", ".join(keys)
        print(f"  {name:<9} {len(keys):>3}{listed}", file=stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the index is stale; write nothing")
    parser.add_argument("--draft", action="store_true", help="links to articles not written yet are warnings")
    args = parser.parse_args(argv)
    result = build(args.source, draft=args.draft)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.problems:
        for problem in result.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(result.problems)} article problem(s): the index was not written", file=sys.stderr)
        return 1
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    diff = changes(previous, result.text)
    forces = sorted({s.article.force or "shared" for s in result.sources})
    counts = ", ".join(f"{f} {sum(1 for s in result.sources if (s.article.force or 'shared') == f)}" for f in forces)
    print(f"{len(result.sources)} articles ({counts or 'none'})")
    report(diff, sys.stdout)
    if previous == result.text:
        print(f"{display(args.output)} is up to date: nothing written")
        return 0
    if not any(diff[name] for name in ("added", "changed", "removed")):
        print("  the articles are the same; the search index or the index format changed")
    if args.check:
        print(f"{display(args.output)} is stale: run make articles", file=sys.stderr)
        return 1
    args.output.write_text(result.text, encoding="utf-8")
    print(f"wrote {display(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
