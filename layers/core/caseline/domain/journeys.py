"""Journey definitions (versioned data, see docs/journeys.md): conditions, validation and planning.

Pure: a definition plus a victim's context gives a ``Plan`` (messages, duties, tasks, at most one
wait). The journeys service turns plans into idempotent writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from caseline.domain.calendar import UK, add_working_days
from caseline.domain.personalisation import ALERT_URL, TRIGGERS, provided
from caseline.domain.records import CaseRecord, VictimContact

STEP_TYPES = frozenset({"send", "wait", "branch", "task", "start-duty", "settle-duty"})
REENTRY = frozenset({"every-event", "once-per-case"})
CONDITION_KEYS = frozenset(
    {
        "category_in",
        "flags_any",
        "flags_none",
        "tier",
        "under_18",
        "stage_in",
        "has_officer",
        "officer_changed",
        "linked",
        "officer_away",
        "data_in",
        "data_at_least",
        "data_present",
    }
)
MAX_STEPS_PER_PLAN = 64


@dataclass(frozen=True)
class JourneyContext:
    """What conditions can look at: the case, one victim and the event that triggered the run."""

    case: CaseRecord
    victim: VictimContact
    trigger: str
    data: Mapping[str, Any]
    linked: bool = False
    officer_changed: bool = False
    officer_away: bool = False  # the officer in charge is away today (domain.absence)


def holds(condition: Mapping[str, Any], ctx: JourneyContext) -> bool:
    """True when every key of the condition holds (an empty condition always holds)."""
    return all(_holds(key, value, ctx) for key, value in condition.items())


def _as_sent(value: Any) -> Any:
    """Force systems send free text as they hold it: "Trial", "trial ", "TRIAL" mean the same."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _holds(key: str, value: Any, ctx: JourneyContext) -> bool:
    flags = set(ctx.case.flags)
    if key == "category_in":
        return ctx.case.category in value
    if key == "flags_any":
        return bool(flags.intersection(value))
    if key == "flags_none":
        return not flags.intersection(value)
    if key == "tier":
        return bool(ctx.victim.tier == value)
    if key == "under_18":
        return ctx.victim.under_18 is bool(value)
    if key == "stage_in":
        return ctx.case.stage.slug in value
    if key == "has_officer":
        return bool(ctx.case.officer) is bool(value)
    if key == "officer_changed":
        return ctx.officer_changed is bool(value)
    if key == "linked":
        return ctx.linked is bool(value)
    if key == "officer_away":
        return ctx.officer_away is bool(value)
    if key == "data_in":
        return all(
            _as_sent(ctx.data.get(name)) in {_as_sent(option) for option in allowed} for name, allowed in value.items()
        )
    if key == "data_at_least":
        return all(_number(ctx.data.get(name)) >= minimum for name, minimum in value.items())
    if key == "data_present":
        return all(ctx.data.get(name) not in (None, "", [], ()) for name in value)
    raise ValueError(f"unknown condition {key}")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float("-inf")


@dataclass(frozen=True)
class Step:
    step_id: str
    type: str
    raw: Mapping[str, Any]

    @property
    def next(self) -> str | None:
        return self.raw.get("next")

    def targets(self) -> list[str]:
        names = [self.raw.get(k) for k in ("next", "then", "else")]
        return [n for n in names if n]

    def template_choices(self) -> list[tuple[Mapping[str, Any] | None, str]]:
        if "template" in self.raw:
            return [(None, self.raw["template"])]
        return [(choice.get("when"), choice["template"]) for choice in self.raw.get("choose", ())]


@dataclass(frozen=True)
class JourneyDefinition:
    journey_id: str
    version: int
    description: str
    trigger: str
    trigger_when: Mapping[str, Any]
    reentry: str
    goal: str
    exit_when: Mapping[str, Any] | None
    start: str
    steps: Mapping[str, Step]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> JourneyDefinition:
        trigger = document["trigger"]
        return cls(
            journey_id=document["id"],
            version=int(document["version"]),
            description=document.get("description", ""),
            trigger=trigger.get("event", ""),
            trigger_when=trigger.get("when", {}),
            reentry=document.get("reentry", "every-event"),
            goal=document.get("goal", ""),
            exit_when=document.get("exit_when"),
            start=document["start"],
            steps={sid: Step(sid, raw.get("type", ""), raw) for sid, raw in document["steps"].items()},
        )

    def templates_used(self) -> set[str]:
        return {template for step in self.steps.values() for _, template in step.template_choices()}

    def reachable(self, *, past_waits: bool = True) -> set[str]:
        """Steps a run can reach from the start (``past_waits=False``: without waiting, as the event runs)."""
        seen: set[str] = set()
        pending = [self.start]
        while pending:
            sid = pending.pop()
            if sid in seen or sid not in self.steps:
                continue
            seen.add(sid)
            if past_waits or self.steps[sid].type != "wait":
                pending.extend(self.steps[sid].targets())
        return seen


def _conditions(definition: JourneyDefinition) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield "trigger.when", definition.trigger_when
    if definition.exit_when is not None:
        yield "exit_when", definition.exit_when
    for step in definition.steps.values():
        if step.type == "branch":
            yield f"steps.{step.step_id}.when", step.raw.get("when", {})
        for when, _ in step.template_choices():
            if when is not None:
                yield f"steps.{step.step_id}.choose.when", when


def _has_cycle(definition: JourneyDefinition) -> bool:
    state: dict[str, int] = {}

    def visit(sid: str) -> bool:
        if state.get(sid) == 1:
            return True
        if state.get(sid) == 2 or sid not in definition.steps:
            return False
        state[sid] = 1
        found = any(visit(target) for target in definition.steps[sid].targets())
        state[sid] = 2
        return found

    return visit(definition.start)


def validate(definition: JourneyDefinition, template_placeholders: Mapping[str, set[str]]) -> list[str]:
    """Every problem with a definition, as ``journey: field: problem`` lines (empty when it is sound)."""
    name = f"{definition.journey_id} v{definition.version}"
    problems: list[str] = []
    if definition.trigger not in TRIGGERS:
        problems.append(f"{name}: trigger.event: unknown trigger {definition.trigger!r}")
    if definition.reentry not in REENTRY:
        problems.append(f"{name}: reentry: must be one of {sorted(REENTRY)}")
    if definition.start not in definition.steps:
        problems.append(f"{name}: start: no step {definition.start!r}")
    for where, condition in _conditions(definition):
        unknown = set(condition) - CONDITION_KEYS
        if unknown:
            problems.append(f"{name}: {where}: unknown condition {sorted(unknown)}")
    started = {s.raw.get("right") for s in definition.steps.values() if s.type == "start-duty"}
    allowed = provided(definition.trigger)
    for step in definition.steps.values():
        where = f"{name}: steps.{step.step_id}"
        if step.type not in STEP_TYPES:
            problems.append(f"{where}: unknown step type {step.type!r}")
        problems.extend(f"{where}: goes to missing step {t!r}" for t in step.targets() if t not in definition.steps)
        if step.type == "branch" and not step.raw.get("then"):
            problems.append(f"{where}: branch needs 'then'")
        if step.type == "wait" and not (step.raw.get("hours") or step.raw.get("working_days")):
            problems.append(f"{where}: wait needs hours or working_days")
        if step.type == "wait" and not step.next:
            problems.append(f"{where}: a wait must have a next step")
        if step.type == "send":
            choices = step.template_choices()
            if not choices:
                problems.append(f"{where}: send needs template or choose")
            elif choices[-1][0] is not None and "template" not in step.raw:
                problems.append(f"{where}: the last choice must have no 'when' (the default)")
            if step.raw.get("acknowledge") and not step.raw.get("statutory"):
                problems.append(f"{where}: a send the victim must acknowledge must be statutory")
            if step.raw.get("settles") and step.raw["settles"] not in started:
                problems.append(f"{where}: settles {step.raw['settles']!r}, which no step starts")
            for _, template in choices:
                if template not in template_placeholders:
                    problems.append(f"{where}: unknown template {template!r}")
                    continue
                missing = template_placeholders[template] - allowed
                if ALERT_URL in template_placeholders[template] and not step.raw.get("acknowledge"):
                    problems.append(f"{where}: template {template!r} links to an alert, but the step asks none")
                if missing:
                    problems.append(f"{where}: template {template!r} needs {sorted(missing)} the trigger lacks")
        if step.type == "settle-duty" and step.raw.get("right") not in started:
            problems.append(f"{where}: settles {step.raw.get('right')!r}, which no step starts")
    # A run resumed after a wait is planned by the sweep, which cannot seal a new access code (only the
    # journeys function holds kms:Encrypt): a code goes out in the run's first leg or not at all.
    first_leg = definition.reachable(past_waits=False)
    for step in definition.steps.values():
        after_wait = step.step_id not in first_leg
        for template in {t for _, t in step.template_choices()} if after_wait else ():
            if "access_code" in template_placeholders.get(template, ()):
                problems.append(
                    f"{name}: steps.{step.step_id}: template {template!r} sends an access code after a wait"
                )
    used_by: dict[str, str] = {}
    for step in definition.steps.values():
        for template in {t for _, t in step.template_choices()}:
            if template in used_by:
                # One message per template per run: two steps sending it would share a message key.
                problems.append(
                    f"{name}: steps.{step.step_id}: template {template!r} is also sent by {used_by[template]!r}"
                )
            used_by.setdefault(template, step.step_id)
    unreachable = set(definition.steps) - definition.reachable()
    if unreachable:
        problems.append(f"{name}: steps {sorted(unreachable)} are unreachable")
    if _has_cycle(definition):
        problems.append(f"{name}: steps form a loop")
    return problems


@dataclass(frozen=True)
class PlannedSend:
    step_id: str
    template: str
    statutory: bool
    settles: str | None
    acknowledge: bool = False  # a safety alert: the victim is asked to confirm they have seen it


@dataclass(frozen=True)
class PlannedDuty:
    right: str
    working_days: Mapping[str, int]


@dataclass(frozen=True)
class Plan:
    sends: Sequence[PlannedSend] = ()
    duties: Sequence[PlannedDuty] = ()
    settled: Sequence[str] = ()
    tasks: Sequence[tuple[str, str]] = ()  # (step id, reason)
    wait_step: str | None = None  # the step to resume at
    wait_until: datetime | None = None
    visited: Sequence[str] = field(default_factory=tuple)


def wait_until(step: Step, now: datetime) -> datetime:
    if step.raw.get("hours"):
        return now + timedelta(hours=int(step.raw["hours"]))
    local = now.astimezone(UK)
    day = add_working_days(local.date(), int(step.raw["working_days"]))
    return datetime.combine(day, local.time(), tzinfo=UK).astimezone(now.tzinfo)


UNRECOGNISED_VALUE = "unrecognised-value"
# Force fields the contract leaves as free text (the others are enumerations the event models check) whose
# value picks a template: a value none of a step's choices names is reported to the force.
FREE_TEXT_CHOOSERS = frozenset({"hearing_type"})


def unrecognised_values(step: Step, ctx: JourneyContext) -> dict[str, str]:
    """The force's free-text values that a send step's ``data_in`` choices name templates for, but that matched
    none of them (so the step's general template went instead): the force is told, to map or correct it."""
    named: dict[str, set[Any]] = {}
    for when, _ in step.template_choices():
        for key, values in ((when or {}).get("data_in") or {}).items():
            if key in FREE_TEXT_CHOOSERS:
                named.setdefault(key, set()).update(_as_sent(v) for v in values)
    return {
        key: str(ctx.data[key])
        for key, values in named.items()
        if isinstance(ctx.data.get(key), str) and ctx.data[key].strip() and _as_sent(ctx.data[key]) not in values
    }


def plan(definition: JourneyDefinition, step_id: str | None, ctx: JourneyContext, now: datetime) -> Plan:
    """Walk from ``step_id`` until the run ends or waits."""
    sends: list[PlannedSend] = []
    duties: list[PlannedDuty] = []
    settled: list[str] = []
    tasks: list[tuple[str, str]] = []
    visited: list[str] = []
    current = step_id
    while current is not None and len(visited) < MAX_STEPS_PER_PLAN:
        step = definition.steps[current]
        visited.append(current)
        raw = step.raw
        if step.type == "wait":
            return Plan(sends, duties, settled, tasks, step.next, wait_until(step, now), tuple(visited))
        if step.type == "branch":
            current = raw.get("then") if holds(raw.get("when", {}), ctx) else raw.get("else")
            continue
        if step.type == "send":
            template = next((t for when, t in step.template_choices() if when is None or holds(when, ctx)), None)
            if template is not None:
                statutory, acknowledge = bool(raw.get("statutory", False)), bool(raw.get("acknowledge", False))
                sends.append(PlannedSend(current, template, statutory, raw.get("settles"), acknowledge))
            if unrecognised_values(step, ctx):
                tasks.append((current, UNRECOGNISED_VALUE))
        elif step.type == "start-duty":
            duties.append(PlannedDuty(raw["right"], dict(raw["working_days"])))
        elif step.type == "settle-duty":
            settled.append(raw["right"])
        elif step.type == "task":
            tasks.append((current, raw["reason"]))
        current = step.next
    return Plan(sends, duties, settled, tasks, None, None, tuple(visited))
