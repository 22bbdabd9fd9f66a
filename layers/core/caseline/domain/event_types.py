"""The inbound event types by name: plain strings, so code that only needs a type's name does not import
the pydantic models of ``caseline.domain.events`` (cold start)."""

from __future__ import annotations

CRIME_RECORDED = "org.caseline.crime.recorded.v1"


def _type(name: str) -> str:
    return f"org.caseline.{name}.v1"


OFFICER_ASSIGNED = _type("officer.assigned")
NEEDS_ASSESSED = _type("needs.assessed")
INVESTIGATION_UPDATED = _type("investigation.updated")
SUSPECT_ARRESTED = _type("suspect.arrested")
SUSPECT_INTERVIEWED = _type("suspect.interviewed-under-caution")
SUSPECT_RELEASED_WITHOUT_CHARGE = _type("suspect.released-without-charge")
SUSPECT_BAILED = _type("suspect.bailed")
SUSPECT_RELEASED_UNDER_INVESTIGATION = _type("suspect.released-under-investigation")
SUSPECT_BAIL_CONDITIONS_CHANGED = _type("suspect.bail-conditions-changed")
SUSPECT_CHARGED = _type("suspect.charged")
DECISION_NOT_TO_INVESTIGATE = _type("investigation.not-pursued")
OUTCOME_RECORDED = _type("outcome.recorded")
COURT_HEARING_SCHEDULED = _type("court.hearing-scheduled")
COURT_OUTCOME = _type("court.outcome")
OFFICER_MESSAGE = _type("officer.message")
VICTIM_CONTACT_CHANGED = _type("victim.contact-changed")
CASE_CLOSED = _type("case.closed")
ACCESS_CODE_REISSUED = _type("access.code-reissued")
ACCESS_REVOKED = _type("access.revoked")
# The force's answers to a victim's request for a review of its decision (domain.reviews).
REVIEW_ACKNOWLEDGED = _type("review.acknowledged")
REVIEW_DECIDED = _type("review.decided")
# The officer took the victim's personal statement they asked to make or update (domain.statements).
STATEMENT_TAKEN = _type("statement.taken")
OFFICER_UNAVAILABLE = _type("officer.unavailable")  # away (leave, training): a cover team answers
OFFICER_AVAILABLE = _type("officer.available")  # back early, or the absence is cancelled
# Delegated access the force sets up or ends: a parent or guardian, a family spokesperson (domain.delegation).
ACCESS_DELEGATED = _type("access.delegated")
ACCESS_DELEGATION_ENDED = _type("access.delegation-ended")

SUSPECT_EVENTS = (
    SUSPECT_ARRESTED,
    SUSPECT_INTERVIEWED,
    SUSPECT_RELEASED_WITHOUT_CHARGE,
    SUSPECT_BAILED,
    SUSPECT_RELEASED_UNDER_INVESTIGATION,
    SUSPECT_BAIL_CONDITIONS_CHANGED,
    SUSPECT_CHARGED,
)

# Case events about one victim of the case, named by ``victim_id``: the case must have her already (from a
# crime.recorded), or ingest stores nothing and answers 409 victim-not-known-yet, and the force retries. A code
# or a removal for a victim_id the case does not have reaches no one, and a delegate for one follows the case
# unseen: no victim could see or remove them. The answers to a victim's requests name her too, and must name
# a request of hers (domain.requests); crime.recorded brings its victim.
ABOUT_A_KNOWN_VICTIM = (
    NEEDS_ASSESSED,
    VICTIM_CONTACT_CHANGED,
    ACCESS_CODE_REISSUED,
    ACCESS_REVOKED,
    ACCESS_DELEGATED,
)

# A force's answers about an online report (subject: the report reference, sequence per report).
REPORT_RECEIVED = _type("report.received")
REPORT_RECORDED = _type("report.recorded")
REPORT_NOT_RECORDED = _type("report.not-recorded")
REPORT_EVENTS = (REPORT_RECEIVED, REPORT_RECORDED, REPORT_NOT_RECORDED)
