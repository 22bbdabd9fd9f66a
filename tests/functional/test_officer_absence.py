"""Officer absence through the real functions against moto, with the victim API on a fake clock: a signed
``officer.unavailable`` makes the case view name the cover team and mark a message for it; after the last
day away, neither."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from caseline.domain.calendar import uk_date
from caseline_local.template import Template
from tests.unit.fakes import FixedClock

from .builders import LinkedCase, items

FORCE, CASE = "thames-valley", "TVP-J-1"
COVER = "Reading Investigation Hub duty desk"


class World(LinkedCase):
    def __init__(self, template: Template) -> None:
        super().__init__(template)
        self.today = uk_date(datetime.now(UTC))
        # The victim API's own clock (its routers read ``dependencies.clock`` on each call)
        self.api_dependencies = sys.modules["dependencies"]
        assert Path(self.api_dependencies.__file__ or "").parent.name == "victim_api"

    def on(self, day: date) -> None:
        self.api_dependencies.clock = FixedClock(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12))

    def view(self) -> dict[str, Any]:
        status, found = self.victims.case("alex", FORCE, CASE)
        assert status == 200
        return dict(found)

    def message(self, text: str) -> dict[str, Any]:
        assert self.victims.case("alex", FORCE, CASE, "/messages", "POST", {"text": text})[0] == 202
        sent = [json.loads(str(i["data"])) for i in items("outbound")]
        [found] = [data for data in sent if data.get("text") == text]
        return found


@pytest.fixture
def world(aws: Template) -> World:
    return World(aws)


def test_while_the_officer_is_away_the_page_names_the_cover_and_messages_go_to_it(world: World) -> None:
    first, last = world.today + timedelta(days=1), world.today + timedelta(days=10)
    away = {"away_from": first.isoformat(), "away_until": last.isoformat(), "cover_team": COVER}
    world.post("officer.unavailable", 2, {**away, "cover_phone": "01632 960011"})
    # The victim is told once, by their safe channels (email and SMS for this victim)
    assert sorted(str(o["channel"]) for o in items("outbox") if o["template_id"] == "officer-away") == [
        "email",
        "sms",
    ]
    # The day before the absence, nothing changes yet
    world.on(world.today)
    assert world.view()["officer_away"] is None
    # During it, the page says until when and who is looking after the case, and who replies
    world.on(first + timedelta(days=2))
    view = world.view()
    assert view["officer_away"].endswith(f"{COVER} is looking after your case.")
    assert view["expected_reply"].startswith(f"While your officer is away, {COVER} aims to reply")
    assert "01632 960011" in view["expected_reply"]
    during = world.message("Is there any news?")
    assert (during["for_cover_team"], during["cover_team"], during["officer_away_until"]) == (True, COVER, str(last))
    # The day after the last day away, the page is as usual and a message goes to the officer again
    world.on(last + timedelta(days=1))
    view = world.view()
    assert view["officer_away"] is None and view["expected_reply"].startswith("Your officer aims to reply")
    assert "for_cover_team" not in world.message("Back from leave yet?")


def test_an_absence_the_force_cancels_is_no_longer_shown(world: World) -> None:
    away = {"away_from": world.today.isoformat(), "away_until": (world.today + timedelta(days=5)).isoformat()}
    world.post("officer.unavailable", 2, away)
    world.on(world.today)
    assert "Another officer in their team" in world.view()["officer_away"]
    world.post("officer.available", 3, {})
    view = world.view()
    assert view["officer_away"] is None
    assert [e["title"] for e in view["timeline"]][-2:] == ["Your officer is away", "Your officer is back"]
