"""Recommendation: hard filters, eligibility, transparent scores with reasons, safety first, recency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caseline.domain import event_types as ev
from caseline.domain.articles import (
    Article,
    Audience,
    CaseContext,
    RecentEvent,
    Service,
    recommend,
    score,
    visible,
)
from tests.fixtures.article_library import fixture_library

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def article(slug: str, **fields: Any) -> Article:
    base: dict[str, Any] = {
        "title": slug.replace("-", " ").capitalize(),
        "summary": "A summary.",
        "kind": "guide",
        "language": "en",
        "body_html": "<p>Body.</p>",
        "review_by": "2099-01-01",
        "owner": "tests",
    }
    return Article(slug=slug, **{**base, **fields})


def context(**fields: Any) -> CaseContext:
    base: dict[str, Any] = {
        "category": "burglary",
        "stage": "investigating",
        "tier": "standard",
        "audience": Audience(force_id="thames-valley", age_group="adult"),
        "now": NOW,
    }
    return CaseContext(**{**base, **fields})


def days_ago(event_type: str, days: float) -> RecentEvent:
    return RecentEvent(event_type, NOW - timedelta(days=days))


def slugs(found: list[Any]) -> list[str]:
    return [r.article.slug for r in found]


# Hard filters


def test_a_force_article_replaces_the_shared_one_for_that_force_only() -> None:
    # Given a shared article and Hampshire's own version of it, and an article only Thames Valley has
    shared = article("victim-support", title="Shared")
    hampshire = article("victim-support", title="Hampshire's", force="hampshire")
    thames = article("local-victim-services", force="thames-valley")
    library = [shared, hampshire, thames]
    # When each force's readers (and a reader with no force) see the library
    # Then each sees its own version and never another force's article
    assert visible(library, Audience(force_id="hampshire")) == [hampshire]
    assert visible(library, Audience(force_id="thames-valley")) == [thames, shared]
    assert visible(library, Audience()) == [shared]


def test_an_article_is_shown_only_to_the_age_groups_it_is_written_for() -> None:
    young = article("children-and-young-people", age_groups=("under-18",))
    parents = article("parents-of-child-victims", age_groups=("adult",))
    library = [young, parents]
    assert visible(library, Audience(age_group="under-18")) == [young]
    assert visible(library, Audience(age_group="adult")) == [parents]
    assert visible(library, Audience()) == [young, parents]


def test_language_prefers_the_reader_s_and_falls_back_to_english_but_never_shows_a_third() -> None:
    english = article("going-to-court")
    welsh = article("going-to-court", language="cy", title="Mynd i'r llys")
    polish_only = article("polish-only", language="pl")
    library = [english, welsh, polish_only]
    assert visible(library, Audience(language="cy")) == [welsh]
    assert visible(library, Audience(language="en")) == [english]
    assert visible(library, Audience(language="fr")) == [english]


def test_a_victim_s_audience_comes_from_their_record() -> None:
    audience = Audience.for_victim(language="cy-GB", under_18=True, force_id="hampshire")
    assert audience == Audience(language="cy", age_group="under-18", force_id="hampshire")


# Eligibility


@pytest.mark.parametrize(
    ("fields", "case", "eligible"),
    [
        ({"flags": ("domestic-abuse",)}, {}, False),
        ({"flags": ("domestic-abuse",)}, {"flags": frozenset({"domestic-abuse"})}, True),
        ({"categories": ("robbery",)}, {}, False),
        ({"categories": ("burglary",)}, {}, True),
        ({"categories": ("robbery",), "flags": ("hate-crime",)}, {"flags": frozenset({"hate-crime"})}, True),
        ({"stages": ("outcome",)}, {}, False),
        (
            {"stages": ("outcome",), "events": (ev.SUSPECT_CHARGED,)},
            {"events": (days_ago(ev.SUSPECT_CHARGED, 1),)},
            True,
        ),
        (
            {"stages": ("outcome",), "events": (ev.SUSPECT_CHARGED,)},
            {"events": (days_ago(ev.SUSPECT_CHARGED, 60),)},
            False,
        ),
        ({"tiers": ("enhanced",), "stages": ("investigating",)}, {}, True),
        ({"tiers": ("enhanced",)}, {"tier": "enhanced"}, True),
        ({"outcome_types": (18,)}, {"outcome_type": 1}, False),
        ({"outcome_types": (18,)}, {"outcome_type": 18}, True),
        ({"outcome_types": (18,)}, {}, False),
    ],
)
def test_every_attribute_an_article_declares_must_fit_the_case(
    fields: dict[str, Any], case: dict[str, Any], eligible: bool
) -> None:
    assert (score(article("a", **fields), context(**case)) is not None) is eligible


# Scores and reasons


def test_the_score_is_the_sum_of_named_matches_and_the_reason_names_the_strongest_two() -> None:
    # Given a burglary article for the investigating stage, and an event that happened today
    found = score(
        article("a", categories=("burglary",), stages=("investigating",), events=(ev.SUSPECT_ARRESTED,)),
        context(events=(days_ago(ev.SUSPECT_ARRESTED, 0),)),
    )
    # Then each rule's points are there to read, and they add up
    assert found is not None
    assert [(m.rule, m.points) for m in found.matches] == [("event", 6.0), ("category", 3.5), ("stage", 3.0)]
    assert found.score == 12.5
    assert found.reason == "Because a suspect has been arrested and your case is about burglary."


def test_a_narrow_declaration_is_worth_more_than_a_broad_one() -> None:
    narrow = score(article("a", stages=("investigating",)), context())
    broad = score(article("b", stages=("reported", "officer-assigned", "investigating", "outcome")), context())
    assert narrow is not None and broad is not None
    assert narrow.score > broad.score


def test_the_more_recent_the_event_the_higher_the_score_and_a_month_old_event_does_not_count() -> None:
    bail = article("police-bail", events=(ev.SUSPECT_BAILED,))
    scores = [score(bail, context(events=(days_ago(ev.SUSPECT_BAILED, d),))) for d in (0, 7, 14, 29)]
    assert [s.score if s else None for s in scores] == [6.0, 3.0, 1.5, 0]
    assert recommend([bail], context(events=(days_ago(ev.SUSPECT_BAILED, 29),))) == []


def test_an_article_about_events_that_have_not_happened_counts_its_stage_a_quarter() -> None:
    arrested = article("suspect-arrested", stages=("investigating",), events=(ev.SUSPECT_ARRESTED,))
    sharing = article("sharing-your-details", stages=("investigating",), events=(ev.NEEDS_ASSESSED,))
    general = article("investigation-timescales", stages=("investigating",))
    assert score(arrested, context()).score == 0.75  # type: ignore[union-attr]
    assert score(sharing, context()).score == 0.75  # type: ignore[union-attr]
    assert score(sharing, context(events=(days_ago(ev.NEEDS_ASSESSED, 40),))).score == 3.0  # type: ignore[union-attr]
    assert score(general, context()).score == 3.0  # type: ignore[union-attr]


def test_an_article_about_an_everyday_event_keeps_its_stage_points_before_that_event() -> None:
    general = article("investigation-news", stages=("investigating",), events=(ev.INVESTIGATION_UPDATED,))
    assert score(general, context()).score == 3.0  # type: ignore[union-attr]


def test_a_recent_event_makes_an_article_timely_whatever_the_outcome_but_outcome_recorded_does_not() -> None:
    # Given a right-to-review article for some outcomes, also timely when a suspect is released without charge
    review = article(
        "right-to-review",
        stages=("outcome",),
        outcome_types=(9, 15),
        events=(ev.OUTCOME_RECORDED, ev.SUSPECT_RELEASED_WITHOUT_CHARGE),
    )
    released = context(events=(days_ago(ev.SUSPECT_RELEASED_WITHOUT_CHARGE, 0),))
    no_suspect = context(stage="outcome", outcome_type=18, events=(days_ago(ev.OUTCOME_RECORDED, 0),))
    # Then the release makes it eligible, but an outcome it does not explain does not
    assert score(review, released).reason == "Because a suspect has been released without charge."  # type: ignore[union-attr]
    assert score(review, no_suspect) is None


def test_crime_recorded_scores_nothing_because_every_case_starts_with_it() -> None:
    after_report = article("what-happens", stages=("reported",), events=(ev.CRIME_RECORDED,))
    case = context(stage="reported", events=(days_ago(ev.CRIME_RECORDED, 0),))
    assert [m.rule for m in score(after_report, case).matches] == ["stage"]  # type: ignore[union-attr]
    assert score(after_report, case).score == 3.0  # type: ignore[union-attr]


def test_an_article_with_no_attributes_is_not_recommended_unless_it_is_a_default_signpost() -> None:
    library = [article("samaritans"), article("victim-support")]
    found = recommend(library, context())
    assert slugs(found) == ["victim-support"]
    assert found[0].reason == "Because it is support for anyone affected by crime."
    assert found[0].score == 2.0


def test_a_tier_scores_for_a_victim_with_those_rights_but_hides_the_article_from_nobody() -> None:
    # Given an article about court that says most to victims with enhanced rights
    special = article("special-measures", tiers=("enhanced",), stages=("investigating",))
    # When a standard and an enhanced victim's cases are scored
    standard = score(special, context())
    enhanced = score(special, context(tier="enhanced"))
    # Then both may see it, and only the enhanced victim's score has the tier rule
    assert standard is not None and enhanced is not None
    assert [m.rule for m in standard.matches] == ["stage"]
    assert enhanced.score == standard.score + 2.0
    assert (
        enhanced.reason
        == "Because your case is being investigated and you have enhanced rights under the Victims' Code."
    )


def test_the_guide_to_the_case_s_stage_scores_at_that_stage_and_is_not_shown_at_any_other() -> None:
    guide = article("how-an-investigation-works", stages=("officer-assigned", "investigating"))
    other = article("investigation-timescales", stages=("officer-assigned", "investigating"))
    investigating = score(guide, context())
    assert investigating is not None
    assert investigating.score == score(other, context()).score + 3.0  # type: ignore[union-attr]
    assert investigating.reason == "Because it explains where your case is now."
    assert score(guide, context(stage="officer-assigned")) is None
    assert score(other, context(stage="officer-assigned")) is not None


@pytest.mark.parametrize(
    ("case", "points"),
    [
        ({"category": "burglary"}, 2.0),
        ({"category": "vehicle-crime", "stage": "outcome"}, 2.0),
        ({"category": "violent-crime"}, 4.5),
        ({"category": "robbery"}, 4.5),
        ({"category": "theft-from-the-person"}, 4.5),
        ({"category": "criminal-damage-arson", "flags": frozenset({"hate-crime"})}, 4.5),
        ({"category": "other-crime", "flags": frozenset({"fraud"})}, 2.0),
    ],
)
def test_the_default_support_service_counts_more_after_a_crime_against_the_person(
    case: dict[str, Any], points: float
) -> None:
    support = article("victim-support", kind="service")
    rights = article("victims-code-your-rights")
    assert score(support, context(**case)).score == points  # type: ignore[union-attr]
    assert score(rights, context(**case)).score == 1.0  # type: ignore[union-attr]


def test_the_reason_for_support_after_a_crime_against_the_person_says_so() -> None:
    found = score(article("victim-support", kind="service"), context(category="robbery"))
    assert found is not None
    assert (
        found.reason == "Because the crime was against you as a person and it is support for anyone affected by crime."
    )


def test_equal_scores_put_a_guide_before_services_and_a_service_open_day_and_night_first() -> None:
    # Given a guide and two helplines for the same flag, one of them open day and night
    def helpline(slug: str, hours: str | None) -> Article:
        return article(
            slug, kind="service", flags=("fraud",), service=Service(slug, "https://example.org", hours=hours)
        )

    library = [
        helpline("a-helpline", None),
        helpline("b-helpline", "24 hours a day, 7 days a week"),
        article("z-guide", flags=("fraud",)),
    ]
    # When a fraud case's articles are recommended
    found = recommend(library, context(flags=frozenset({"fraud"})))
    # Then they score the same, and the guide leads, then the helpline you can call at any hour
    assert len({r.score for r in found}) == 1
    assert slugs(found) == ["z-guide", "b-helpline", "a-helpline"]


def test_for_a_domestic_abuse_case_the_keeping_safe_article_comes_first_whatever_its_score() -> None:
    # Given a safety article that matches only the flag and a guide that matches much more
    safety = article("keeping-safe-domestic-abuse", kind="safety", safety=True, flags=("domestic-abuse",))
    busy = article(
        "suspect-arrested", categories=("violent-crime",), stages=("investigating",), events=(ev.SUSPECT_ARRESTED,)
    )
    case = context(
        category="violent-crime", flags=frozenset({"domestic-abuse"}), events=(days_ago(ev.SUSPECT_ARRESTED, 0),)
    )
    # When the case's articles are recommended
    found = recommend([busy, safety], case)
    # Then the safety article is first, and says why
    assert slugs(found) == ["keeping-safe-domestic-abuse", "suspect-arrested"]
    assert found[0].score < found[1].score
    assert found[0].reason == "Because your case involves domestic abuse: keeping safe comes first."


def test_a_safety_article_is_not_pinned_for_a_case_without_domestic_abuse_or_stalking() -> None:
    safety = article("staying-safe-online", kind="safety", safety=True, flags=("fraud",))
    busy = article("fraud-guide", flags=("fraud",), stages=("investigating",))
    found = recommend([safety, busy], context(flags=frozenset({"fraud"})))
    assert slugs(found) == ["fraud-guide", "staying-safe-online"]
    assert not any(r.pinned for r in found)


def test_recommendations_follow_the_case_as_it_moves_on() -> None:
    library = fixture_library()
    reported = library.recommend(context(stage="reported", audience=Audience(force_id="thames-valley")))
    bailed = library.recommend(context(events=(days_ago(ev.SUSPECT_BAILED, 1),)))
    closed = library.recommend(context(stage="outcome", outcome_type=18))
    assert slugs(reported)[:2] == ["burglary-after-a-break-in", "what-happens-after-you-report"]
    assert slugs(bailed)[0] == "police-bail-and-bail-conditions"
    assert slugs(closed)[0] == "outcome-no-suspect-identified"


def test_a_young_victim_sees_the_article_written_for_young_people_and_never_the_adults_only_one() -> None:
    library = fixture_library()
    audience = Audience.for_victim(language="en", under_18=True, force_id="hampshire")
    found = library.recommend(context(stage="reported", category="robbery", audience=audience), limit=20)
    assert "children-and-young-people" in slugs(found)[:2]
    assert "parents-of-child-victims" not in slugs(found)


def test_the_force_s_own_version_is_recommended_in_place_of_the_shared_one() -> None:
    found = fixture_library().recommend(context(audience=Audience(force_id="hampshire")), limit=20)
    support = [r.article for r in found if r.article.slug == "victim-support"]
    assert [a.force for a in support] == ["hampshire"]
    assert "local-victim-services" in slugs(found)


def test_ties_are_broken_by_slug_so_the_order_never_changes() -> None:
    library = [article(s, stages=("investigating",)) for s in ("c", "a", "b")]
    assert slugs(recommend(library, context())) == ["a", "b", "c"]
    assert slugs(recommend(library, context(), limit=2)) == ["a", "b"]
