"""A victim's data rights: download what Caseline holds about them, and close their account.

Only cases linked to the caller's own account are ever read or touched, and on a case that has more than
one victim the caller gets only what is theirs: their own contact details, the timeline entries that are
about the case or about them (never an entry about another victim), their own messages and their own
requests to the force. Every case exported writes a consultation-log entry; every case unlinked writes an
erasure entry in the same transaction as the deletes. Reports the caller made online while signed in are
exported with their answers (opened only here, for their reporter); closing the account takes them off
the account, but the reports stay: the force has them. The document format is described in
docs/data-rights.md; change both together and bump ``EXPORT_FORMAT`` for anything incompatible.
"""

from __future__ import annotations

from typing import Any

from caseline.domain.account_ports import AuditLog, DataRightsStore, IdentityDeleter
from caseline.domain.accounts import Unlinking
from caseline.domain.alerts import AlertView, SafetyAlert, alerts_for
from caseline.domain.delegation import Delegation, ending_with_the_account, followed_by, removed_event
from caseline.domain.outbound import OutboundEvent
from caseline.domain.ports import Clock
from caseline.domain.preferences import VictimPreferences
from caseline.domain.records import AuditEntry, CasePartition, StoredEvent, VictimContact
from caseline.domain.reports import ReportRecord
from caseline.domain.timeline import describe
from caseline.domain.vocabulary import Channel

EXPORT_FORMAT = "caseline.export.v1"
VICTIM_EVENTS = "org.caseline.victim."  # the outbound event types a victim's own action raises
EXPORTED = "exported-data"
CLOSED_ACCOUNT = "closed-account"

_CONSULTATION_LOG = (
    "Who has looked at your case and when (the consultation log). The force must keep this record by law "
    "(Data Protection Act 2018, section 62); ask the force if you want a copy."
)
_MESSAGES_SENT = (
    "Copies of the texts and emails sent to you, and how their delivery went (including a scrambled form of "
    "an address or number that could not take messages). They repeat the updates in your timeline; the force "
    "can tell you what was sent and when."
)
_OTHER_VICTIMS = (
    "Anything about other victims on the same case: their contact details, their messages and their "
    "requests belong to them."
)
_FORCE_RECORDS = (
    "The force's own working records for your case, such as the deadlines it must meet under the Victims' "
    "Code, tasks for officers and when the next update is planned. Ask the force if you want to see them."
)
_SECURITY = (
    "Security records: a scrambled form of your one-time access code and of invitation codes you gave "
    "(kept only until used or expired), counts of failed attempts to link a case and of reports made online "
    "(deleted automatically after about a day), counters that keep the limits on messages and on people "
    "following your case (the one for your messages is deleted 2 days after your last message), and when you "
    "last signed out everywhere (kept for 13 hours)."
)
_ACTIVITY = (
    "When you added each case, last read it and signed in (the days you signed in are kept for 2 days). "
    "They are used only to show you what is new and to tell you about sign-ins; they go when you close "
    "your account."
)
_SIGN_IN = (
    "Your password and two-step verification settings. They are held by our sign-in service and never shown to anyone."
)

NOT_INCLUDED = (_CONSULTATION_LOG, _MESSAGES_SENT, _OTHER_VICTIMS, _FORCE_RECORDS, _SECURITY, _ACTIVITY, _SIGN_IN)

# Every kind of item the table holds (the ``entity`` of each model in adapters/dynamodb/models.py) and
# where it is in the download, or which ``NOT_INCLUDED`` sentence says why it is not. A kind added to the
# table without a line here fails tests/unit/adapters/test_export_coverage.py.
EXPORTED_ITEMS = {
    "case": "cases[]: crime reference, category, stage and officer",
    "link": "cases[]: the cases linked to the account",
    "member": "cases[]: the victim the account is on the case (when it was added and read: see not_included)",
    "victim": "cases[].your_details",
    "event": "cases[].timeline",
    "message": "cases[].your_messages",
    "outbound": "cases[].requests_to_the_force (officer tasks and deadlines at risk: see _FORCE_RECORDS)",
    "preferences": "cases[].your_preferences",
    "survey": "cases[].your_survey",
    "alert": "cases[].your_safety_alerts",
    "delegate": "cases[].people_following_your_case; following[]: the cases the account follows for a victim",
    "report": "reports[]",
}
LEFT_OUT_ITEMS = {
    "audit": _CONSULTATION_LOG,
    "outbox": _MESSAGES_SENT,
    "provider-pointer": _MESSAGES_SENT,
    "suppression": _MESSAGES_SENT,
    "duty": _FORCE_RECORDS,
    "task": _FORCE_RECORDS,
    "run": _FORCE_RECORDS,
    "timer": _FORCE_RECORDS,
    "access-code": _SECURITY,
    "delegate-code": _SECURITY,
    "attempts": _SECURITY,
    "allowance": _SECURITY,
    "report-rate": _SECURITY,
    "session-end": _SECURITY,
    "sign-in": _ACTIVITY,
}
# Kinds that hold nothing about a person: a force's webhook delivery, and pointers that only find another
# item (a case from its crime reference, a report from its form's idempotency key or from its case).
NOT_ABOUT_A_PERSON = {"receipt", "crime-reference", "report-key", "report-case"}

KEPT = (
    "The force's record of your case and its timeline. The force is responsible for it and keeps it under "
    "its own retention rules; ask the force if you want to see it or have it deleted.",
    "Your contact details as the force sent them (name, email address, mobile number, language and how it "
    "is safe to contact you). They are part of the force's record of your case.",
    "Updates about your case by text or email. They come from the force's record, not from your account, "
    "so they carry on; ask the force if you want them to stop.",
    "What you sent to the force: your messages (including their words), update requests and preference "
    "changes, and anything still on its way. Once sent they belong to the force's record of your case, in "
    "Caseline and in the force's own systems.",
    "Any contact preferences you set for a case, so the force goes on contacting you only in the ways you "
    "said are safe.",
    "The record of who looked at your case and when, including this closure. The law requires the force "
    "to keep it (Data Protection Act 2018, section 62).",
    "People the force set up to follow your case for you, such as a parent or guardian. The force decides "
    "who they are; ask the force if you want that to change.",
    "Crimes you reported online: the force has each report, with your answers, as part of its own records. "
    "They no longer show in your account; ask the force if you want to see them or have them deleted.",
)


def export_my_data(
    user_id: str, email: str | None, *, store: DataRightsStore, audit: AuditLog, clock: Clock
) -> dict[str, Any]:
    """The caller's data as a JSON-ready document (format ``caseline.export.v1``)."""
    now = clock.now()
    cases, following = [], []
    for link in sorted(store.linked_cases(user_id), key=lambda c: (c.force_id, c.case_id)):
        partition = store.read(link.force_id, link.case_id)
        victim_id = partition.members.get(user_id)
        delegation = followed_by(partition.delegations, user_id) if victim_id is None else None
        if partition.case is None or not partition.case.is_recorded or (victim_id is None and delegation is None):
            continue  # a stale link: nothing of this case is the caller's to see
        who = "victim" if delegation is None else "delegate"
        audit.record(
            AuditEntry(link.force_id, link.case_id, user_id, EXPORTED, f"{who} downloading their own data", now)
        )
        if delegation is None:
            assert victim_id is not None
            cases.append(_case_document(user_id, victim_id, partition))
        else:
            following.append(_followed_document(user_id, delegation, partition))
    reports = sorted(store.my_reports(user_id), key=lambda r: (r.submitted_at, r.reference))
    return {
        "format": EXPORT_FORMAT,
        "generated_at": now.isoformat(),
        "account": {"user_id": user_id, "email": email},
        "cases": cases,
        "following": following,
        "reports": [_report_document(record, store.report_answers(record)) for record in reports],
        "not_included": list(NOT_INCLUDED),
    }


def _from_the_victim(event_type: str) -> bool:
    """What the victim sent; officer tasks and deadlines at risk about them are the force's working records."""
    return event_type.startswith(VICTIM_EVENTS)


def _sent_by(event: OutboundEvent) -> str | None:
    """The delegation whose delegate sent this (a message or an update request), or None for the victim's own."""
    return event.data.get("delegation_id") if event.data.get("sent_by") == "delegate" else None


def _about_someone_else(event: StoredEvent, victim_id: str) -> bool:
    named = event.data.get("victim_id")
    return named is not None and named != victim_id


def _case_document(user_id: str, victim_id: str, partition: CasePartition) -> dict[str, Any]:
    case = partition.case
    assert case is not None
    victim = next((v for v in partition.victims if v.victim_id == victim_id), None)
    events = sorted(partition.events, key=lambda e: (e.sequence, e.event_id))
    messages = sorted((m for m in partition.messages if m.user_id == user_id), key=lambda m: m.sent_at)
    requests = sorted(
        (
            o
            for o in partition.outbound
            if o.data.get("victim_id") == victim_id and _from_the_victim(o.event_type) and _sent_by(o) is None
        ),
        key=lambda o: o.created_at,
    )
    return {
        "force_id": case.force_id,
        "case_id": case.case_id,
        "crime_reference": case.crime_reference,
        "category": case.category,
        "stage": case.stage.slug,
        "officer": dict(case.officer) if case.officer else None,
        "your_details": _details(victim) if victim else None,
        "timeline": [
            {
                "event_type": e.event_type,
                "title": describe(e.event_type, e.data)[0],
                "sequence": e.sequence,
                "occurred_at": e.occurred_at.isoformat(),
                "data": e.data,
            }
            for e in events
            if not _about_someone_else(e, victim_id)
        ],
        "your_messages": [{"text": m.text, "sent_at": m.sent_at.isoformat()} for m in messages],
        "requests_to_the_force": [
            {
                "type": o.event_type,
                "created_at": o.created_at.isoformat(),
                "status": o.status.value,
                "reasons": o.data.get("reasons"),  # a review request's, in the victim's words
            }
            for o in requests
        ],
        "your_preferences": _preferences(own) if (own := partition.preferences.get(victim_id)) else None,
        "your_survey": survey.to_dict() if (survey := partition.surveys.get(victim_id)) else None,
        "people_following_your_case": [
            {"name": d.name, "relationship": d.relationship, "scope": d.scope.value, "granted_by": d.granted_by.value}
            for d in partition.delegations
            if d.victim_id == victim_id
        ],
        "your_safety_alerts": [
            {
                "event_type": alert.event_type,
                "title": view.title,
                "raised_at": alert.raised_at.isoformat(),
                "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
            }
            for alert, view in _own_alerts(partition, victim_id)
        ],
    }


def _followed_document(user_id: str, delegation: Delegation, partition: CasePartition) -> dict[str, Any]:
    """A case the caller follows for a victim: how, and what the caller wrote there (never the victim's own)."""
    case = partition.case
    assert case is not None
    messages = sorted((m for m in partition.messages if m.user_id == user_id), key=lambda m: m.sent_at)
    requests = sorted(
        (o for o in partition.outbound if _sent_by(o) == delegation.delegation_id), key=lambda o: o.created_at
    )
    return {
        "force_id": case.force_id,
        "case_id": case.case_id,
        "crime_reference": case.crime_reference,
        "relationship": delegation.relationship,
        "scope": delegation.scope.value,
        "granted_by": delegation.granted_by.value,
        "accepted_at": delegation.accepted_at.isoformat() if delegation.accepted_at else None,
        "your_messages": [{"text": m.text, "sent_at": m.sent_at.isoformat()} for m in messages],
        "requests_to_the_force": [
            {"type": o.event_type, "created_at": o.created_at.isoformat(), "status": o.status.value, "reasons": None}
            for o in requests
        ],
    }


def _own_alerts(partition: CasePartition, victim_id: str) -> list[tuple[SafetyAlert, AlertView]]:
    """The caller's safety alerts (never another victim's), oldest first, with their case-view titles."""
    by_id = {alert.alert_id: alert for alert in partition.alerts}
    return [(by_id[view.alert_id], view) for view in alerts_for(partition.alerts, partition.events, victim_id)]


def _preferences(own: VictimPreferences) -> dict[str, Any]:
    """The victim's own contact choices, in the shape of ``GET .../preferences``'s ``yours``."""
    hours = own.safe_hours
    return {
        "channels": [c.value for c in Channel if c not in own.channels_off],
        "name_police": not own.hide_police,
        "name_crime": not own.hide_crime,
        "safe_hours": {"start": hours.start.isoformat(), "end": hours.end.isoformat()} if hours else None,
        "no_news_days": own.no_news_days,
        "language": own.language,
        "non_statutory": own.non_statutory,
    }


def _report_document(record: ReportRecord, answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "force_id": record.force_id,
        "report_reference": record.reference,
        "category": record.category,
        "submitted_at": record.submitted_at.isoformat(),
        "status": record.status.value,
        "crime_reference": record.crime_reference,
        "reason": record.reason,
        "where_to_go": record.where_to_go,
        "your_answers": answers,
    }


def _details(victim: VictimContact) -> dict[str, Any]:
    return {
        "name": victim.name,
        "email": victim.email,
        "mobile": victim.mobile,
        "language": victim.language,
        "tier": victim.tier,
        "safe_contact": victim.safe_contact.to_dict(),
    }


def close_account(
    user_id: str, *, store: DataRightsStore, clock: Clock, delete_identity: IdentityDeleter
) -> dict[str, Any]:
    """Unlink every case (each in one transaction) and detach every report, then delete the sign-in
    account, last.

    Safe to repeat: a second call finds nothing linked and deletes an account that is already gone. If a
    case fails to unlink, the error propagates before the sign-in account is touched, so the victim can
    sign in and try again.
    """
    unlinked = messages = ended = 0
    for link in store.linked_cases(user_id):
        now = clock.now()
        partition = store.read(link.force_id, link.case_id)
        ending = _delegations_ending(user_id, partition)
        erased = "link, case membership and their own messages erased"
        if ending:
            erased += f"; access of {_people(len(ending))} they invited ended"
        erasure = AuditEntry(
            link.force_id, link.case_id, user_id, CLOSED_ACCOUNT, f"victim closed their account: {erased}", now
        )
        followed = followed_by(partition.delegations, user_id)
        unlinking = Unlinking(user_id, erasure, followed, tuple((d, removed_event(d, now)) for d in ending))
        deleted = store.unlink(unlinking)
        if deleted is not None:
            unlinked += 1
            messages += deleted
            ended += len(ending)
    detached = sum(1 for record in store.my_reports(user_id) if store.detach_report(user_id, record))
    store.forget_account(user_id)
    delete_identity(user_id)
    return {
        "deleted": _deleted(unlinked, messages, detached, ended),
        "kept": list(KEPT),
        "cases_unlinked": unlinked,
        "reports_detached": detached,
        "delegates_removed": ended,
    }


def _delegations_ending(user_id: str, partition: CasePartition) -> list[Delegation]:
    """Before the link goes (so a failure leaves the case linked for a retry): the people the victim
    invited, whom she could no longer remove once her last account on the case is closed."""
    victim_id = partition.members.get(user_id)
    if victim_id is None:
        return []
    return ending_with_the_account(partition.delegations, partition.members, user_id, victim_id)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _deleted(unlinked: int, messages: int, detached: int, ended: int = 0) -> list[str]:
    deleted = []
    if unlinked:
        deleted.append(f"The links between your account and {_plural(unlinked, 'case')}: you can no longer see them.")
    if ended:
        deleted.append(
            f"The access of {_people(ended)} you invited to follow your case: they can no longer see it, and the force "
            "is told."
        )
    if messages:
        deleted.append(
            f"Your message thread: {_plural(messages, 'message')} you wrote to officers, as kept for you to read "
            "back (what the force received is kept, see below)."
        )
    if detached:
        deleted.append(
            f"The links between your account and {_plural(detached, 'report')} you made online: they no longer "
            "show in your account (the force keeps the reports, see below)."
        )
    deleted.append("Your Caseline sign-in: your email address, password and two-step verification settings.")
    return deleted
