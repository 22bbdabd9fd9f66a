"""The force's answers to a victim's requests (ADR 0020): ``review.acknowledged`` and ``review.decided``
answer ``victim.review-requested`` (domain.reviews), ``statement.taken`` answers
``victim.statement-requested`` (domain.statements).

An answer counts only if it names a request Caseline raised on its case for the victim it names. Any other
is refused at ingest, before anything is written (422 ``validation``, ``data.request_id``): a retry cannot
make the request exist, and the victim must never be told about a request she did not make.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from caseline.domain import event_types as ev
from caseline.domain.outbound import REVIEW_REQUESTED, STATEMENT_REQUESTED
from caseline.domain.records import RaisedRequest

# Each answer's type -> the type of the request (outbound event) it answers
ANSWERS: Mapping[str, str] = {
    ev.REVIEW_ACKNOWLEDGED: REVIEW_REQUESTED,
    ev.REVIEW_DECIDED: REVIEW_REQUESTED,
    ev.STATEMENT_TAKEN: STATEMENT_REQUESTED,
}
REQUEST_TYPES = frozenset(ANSWERS.values())  # the outbound events ingest reads with the case


def answers_a_raised_request(event_type: str, request_id: str, victim_id: str, raised: Iterable[RaisedRequest]) -> bool:
    """True if the answer names a request of the kind it answers, raised on the case for that victim (False
    for a type that answers no request)."""
    wanted = ANSWERS.get(event_type)
    return wanted is not None and any(
        (r.request_id, r.event_type, r.victim_id) == (request_id, wanted, victim_id) for r in raised
    )
