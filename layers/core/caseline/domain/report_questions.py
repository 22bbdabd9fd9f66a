"""Which of the online report's questions the force needs answered, by crime category: the one rule both
the portal's question pages and the API's validation follow.

Most questions are asked for every category (what happened, when, where, who did it, witnesses and
video, the reporter's details and safe contact). The ones here are asked only where the force uses the
answer: what was stolen or damaged for crimes against property, injuries where a person was attacked or
threatened (or a fire was set), and the vehicle for vehicle crime only. For any other category the
portal skips the page, the API refuses an answer to it (an empty one is taken as not asked) and the force
receives ``null`` for its members.

The portal reads the rule from ``portal/src/js/report-questions.js``, written from this module
(``python -m caseline.domain.report_questions``); a unit test fails when the two differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from caseline.domain.vocabulary import CRIME_CATEGORIES

_PROPERTY = frozenset(
    {
        "burglary",
        "vehicle-crime",
        "bicycle-theft",
        "other-theft",
        "theft-from-the-person",
        "robbery",
        "shoplifting",
        "criminal-damage-arson",
        "other-crime",
    }
)
_PERSON = frozenset({"robbery", "violent-crime", "public-order", "criminal-damage-arson", "other-crime"})


@dataclass(frozen=True)
class Question:
    """A question page asked only for some categories: ``name`` is the portal's page (``report-{name}``),
    ``members`` the report body's members it answers, ``required`` (member, message) when an answer must
    be given wherever it is asked."""

    name: str
    members: tuple[str, ...]
    categories: frozenset[str]
    required: tuple[str, str] | None = None


QUESTIONS: tuple[Question, ...] = (
    Question("items", ("items", "damage"), _PROPERTY),
    Question("injury", ("injured", "injury_details"), _PERSON),
    Question(
        "vehicle",
        ("vehicle",),
        frozenset({"vehicle-crime"}),
        required=("vehicle", "Describe the vehicle, like its registration, make and colour"),
    ),
)
NOT_ASKED_MESSAGE = "Leave this out: it is not asked for this kind of crime"


def asked(question: Question, category: str) -> bool:
    return category in question.categories


def not_asked(category: str) -> tuple[Question, ...]:
    """The questions the force does not need for ``category``, in the form's order."""
    return tuple(q for q in QUESTIONS if not asked(q, category))


def portal_module() -> str:
    """``portal/src/js/report-questions.js``: for each of these question pages, the categories it is
    asked for (a page not listed is asked for every category)."""
    asked_for = {q.name: sorted(q.categories) for q in QUESTIONS}
    unknown = {c for q in QUESTIONS for c in q.categories} - set(CRIME_CATEGORIES)
    if unknown:  # pragma: no cover - a typo in the table above
        raise ValueError(f"unknown categories {sorted(unknown)}")
    return (
        "// Written from layers/core/caseline/domain/report_questions.py (the rule the API's validation\n"
        "// follows too): python -m caseline.domain.report_questions > portal/src/js/report-questions.js\n"
        "// The question pages asked only for some categories, with those categories; every other page is\n"
        "// asked for every category.\n"
        f"export const ASKED_ONLY_FOR = {json.dumps(asked_for, indent=2)}\n\n"
        "export function asked (step, category) {\n"
        "  const only = ASKED_ONLY_FOR[step]\n"
        "  return !only || !category || only.includes(category)\n"
        "}\n"
    )


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(portal_module())
