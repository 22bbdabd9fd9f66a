"""Writing to the officer: a victim's (or a delegate's with the ``message`` scope) messages and update
requests, each an outbound event for the force, marked for the cover team while the officer is away."""

from __future__ import annotations

from datetime import datetime, timedelta

from caseline.domain.absence import absence_now, for_cover
from caseline.domain.account_ports import CaseReader, MessageStore, OutboundCreator
from caseline.domain.allowances import WRITE_ATTEMPTS, Allowance, messages_of
from caseline.domain.errors import ForbiddenError, StorageUnavailableError, TooManyRequestsError, ValidationFailedError
from caseline.domain.outbound import MESSAGE_SENT, UPDATE_REQUESTED, OutboundEvent
from caseline.domain.ports import Clock
from caseline.domain.records import CasePartition, VictimMessage, WriteOutcome, message_id
from caseline.services.victim_cases import authorised_reader

MAX_MESSAGE_CHARS = 2000
MAX_MESSAGES_PER_DAY = 10


def may_write(
    user_id: str, force_id: str, case_id: str, reader: CaseReader
) -> tuple[CasePartition, str, dict[str, str]]:
    """Messages and update requests: the victim, or a delegate with the ``message`` scope (named to the force)."""
    partition, victim_id, delegation = authorised_reader(user_id, force_id, case_id, reader)
    if delegation is None:
        return partition, victim_id, {}
    if not delegation.may_message:
        raise ForbiddenError("The victim gave you access to read the case, not to write to the officer.")
    return partition, victim_id, {"sent_by": "delegate", "delegation_id": delegation.delegation_id}


def send_message(
    user_id: str, force_id: str, case_id: str, text: str, *, reader: CaseReader, store: MessageStore, clock: Clock,
    key: str | None = None,
) -> VictimMessage:  # fmt: skip
    """Send the officer a message; a retry with the same ``key`` is the same message, stored and sent once.

    Each account (the victim's, another of hers, a delegate's) sends at most ``MAX_MESSAGES_PER_DAY`` about
    the case in 24 hours, however many it sends at once: the write holds only while the account's allowance
    is the version read with its messages (domain/allowances.py); when it is not, the case is read again."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_MESSAGE_CHARS:
        raise ValidationFailedError(f"a message has 1 to {MAX_MESSAGE_CHARS} characters", field="text")
    for _ in range(WRITE_ATTEMPTS):
        partition, victim_id, sender = may_write(user_id, force_id, case_id, reader)
        now = clock.now()
        new_id = message_id(user_id, key)
        sent = next((m for m in partition.messages if m.user_id == user_id and m.message_id == new_id), None)
        if sent is not None:  # a retry of a message stored already: answered as sent, not counted again
            return sent
        recent = [m for m in partition.messages if m.user_id == user_id and m.sent_at > now - timedelta(days=1)]
        if len(recent) >= MAX_MESSAGES_PER_DAY:
            raise TooManyRequestsError(
                f"You can send up to {MAX_MESSAGES_PER_DAY} messages a day about a case. If you are in danger, "
                "call 999."
            )
        message = VictimMessage(force_id, case_id, new_id, user_id, cleaned, now)
        outbound = OutboundEvent(
            force_id=force_id,
            case_id=case_id,
            outbound_id=f"msg-{message.message_id}",
            event_type=MESSAGE_SENT,
            data={
                "message_id": message.message_id,
                "victim_id": victim_id,
                "text": cleaned,
                **sender,
                **_cover(partition, now),
            },
            created_at=now,
        )
        allowance = Allowance.read(partition.allowances, messages_of(user_id))
        if store.send(message, outbound, allowance) is not WriteOutcome.CONFLICT:
            return message
    raise StorageUnavailableError("Other messages were being sent at the same time. Nothing was sent: try again.")


def request_update(
    user_id: str, force_id: str, case_id: str, *, reader: CaseReader, outbound: OutboundCreator, clock: Clock
) -> bool:
    """Ask the officer for an update. At most one request per victim per case per day reaches the force."""
    partition, victim_id, sender = may_write(user_id, force_id, case_id, reader)
    now = clock.now()
    event = OutboundEvent(
        force_id=force_id,
        case_id=case_id,
        outbound_id=f"update-{victim_id}-{now.date().isoformat()}",
        event_type=UPDATE_REQUESTED,
        data={"victim_id": victim_id, "requested_at": now.isoformat(), **sender, **_cover(partition, now)},
        created_at=now,
    )
    return outbound.create(event) is WriteOutcome.WRITTEN


def _cover(partition: CasePartition, now: datetime) -> dict[str, object]:
    """Sent while the officer is away: marked for the cover team, so the force routes it there."""
    return for_cover(absence_now(partition.case, now)) if partition.case is not None else {}
