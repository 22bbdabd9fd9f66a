"""Each force's online reporting settings, from ``forces.json``: ``report_prefix`` (the start of its
report references) and ``online_categories`` (the police.uk categories it takes online)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources

from caseline.domain.reports import ForceReporting
from caseline.domain.vocabulary import CRIME_CATEGORIES


def report_settings(force_ids: Iterable[str]) -> dict[str, ForceReporting]:
    """Forces without reporting settings take no online reports (their force_id is refused)."""
    document = json.loads(resources.files(__package__).joinpath("forces.json").read_text(encoding="utf-8"))
    found = {}
    for force_id in force_ids:
        entry = document["forces"].get(force_id, {})
        if "report_prefix" not in entry:
            continue
        categories = frozenset(entry.get("online_categories", []))
        unknown = categories - set(CRIME_CATEGORIES)
        if unknown:
            raise ValueError(f"forces.json: {force_id} lists unknown categories {sorted(unknown)}")
        found[force_id] = ForceReporting(prefix=entry["report_prefix"], online_categories=categories)
    return found
