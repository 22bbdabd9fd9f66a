"""The send policy, row by row: may this message go to this victim now, and how?

Each test calls ``decide`` (or ``planned_channels`` / ``fallback``) directly with the one fact that
makes its row apply; the rows are listed in ``caseline.domain.send_policy``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from caseline.domain.records import OutboxMessage, fallback_key
from caseline.domain.safe_contact import SafeContactProfile, SafeHours
from caseline.domain.send_policy import (
    CONTENT_FREE,
    CONTENT_FREE_UNBRANDED,
    MAX_NON_STATUTORY_PER_DAY,
    ChannelPlan,
    OtherChannel,
    SendDecision,
    SendFacts,
    Verdict,
    decide,
    fallback,
    planned_channels,
)
from caseline.domain.vocabulary import Channel
from tests.unit.builders import NOW, outbox_message, victim_contact

EVENING = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)  # UK winter time: 22:00, after quiet hours begin
ONLY_EMAIL = SafeContactProfile(safe_channels=(Channel.EMAIL,))
NO_MINUTE = SafeHours(time(9, 0), time(9, 0))


def never_suppressed(channel: Channel, address: str) -> bool:
    return False


def always_suppressed(channel: Channel, address: str) -> bool:
    return True


def decided(
    message: OutboxMessage | None = None,
    *,
    facts: SendFacts | None = None,
    now: datetime = NOW,
    suppressed: bool = False,
    **fact_overrides: Any,
) -> SendDecision:
    message = message or outbox_message()
    facts = facts or SendFacts(victim=victim_contact(), **fact_overrides)
    return decide(message, facts, now, always_suppressed if suppressed else never_suppressed)


# Row 1: no contact record.
def test_row1_no_contact_record_fails_with_a_task_reason() -> None:
    decision = decided(facts=SendFacts(victim=None))
    assert (decision.verdict, decision.reason) == (Verdict.FAIL, "victim-contact-missing")


# Row 2: opted out of non-statutory messages.
def test_row2_an_opted_out_victim_gets_no_non_statutory_message() -> None:
    decision = decided(outbox_message(statutory=False), opted_in=False)
    assert (decision.verdict, decision.reason) == (Verdict.SKIP, "opted-out")


def test_row2_opting_out_never_stops_a_statutory_message() -> None:
    assert decided(outbox_message(statutory=True), opted_in=False).verdict is Verdict.SEND


# Row 3: the safe-contact channel gate.
def test_row3_a_channel_the_profile_does_not_allow_is_blocked() -> None:
    facts = SendFacts(victim=victim_contact(safe_contact=ONLY_EMAIL))
    decision = decided(outbox_message("sms"), facts=facts, suppressed=True)  # the gate comes first
    assert (decision.verdict, decision.reason) == (Verdict.BLOCK, "channel-not-safe")


def test_row3_a_channel_without_an_address_is_blocked() -> None:
    decision = decided(outbox_message("sms"), facts=SendFacts(victim=victim_contact(mobile=None)))
    assert (decision.verdict, decision.reason) == (Verdict.BLOCK, "channel-not-safe")


def test_row3_a_pinned_profile_is_obeyed_instead_of_the_current_one() -> None:
    pinned = outbox_message("sms", safe_contact=ONLY_EMAIL)
    assert decided(pinned).verdict is Verdict.BLOCK
    assert decided(outbox_message("sms")).verdict is Verdict.SEND


# Row 4: suppression, and the fallback to the other channel.
def test_row4_a_suppressed_statutory_message_falls_back_to_the_other_allowed_channel() -> None:
    asked: list[tuple[Channel, str]] = []

    def suppressed(channel: Channel, address: str) -> bool:
        asked.append((channel, address))
        return True

    decision = decide(outbox_message("email"), SendFacts(victim=victim_contact()), NOW, suppressed)
    assert decision == SendDecision(Verdict.FALL_BACK, "address-suppressed", fallback=OtherChannel(Channel.SMS))
    assert asked == [(Channel.EMAIL, "alex@example.org")]


def test_row4_no_second_copy_when_the_step_goes_by_the_other_channel_already() -> None:
    message = outbox_message("email")
    planned = frozenset({message.key.replace("#email#", "#sms#")})
    decision = decided(message, suppressed=True, planned_keys=planned)
    assert decision.fallback == OtherChannel(Channel.SMS, planned=True)


def test_row4_an_earlier_fallback_counts_as_planned() -> None:
    message = outbox_message("email")
    decision = decided(message, suppressed=True, planned_keys=frozenset({fallback_key(message.key, "sms")}))
    assert decision.fallback == OtherChannel(Channel.SMS, planned=True)


def test_row4_a_suppressed_statutory_message_with_no_other_channel_fails() -> None:
    facts = SendFacts(victim=victim_contact(safe_contact=ONLY_EMAIL))
    decision = decided(outbox_message("email"), facts=facts, suppressed=True)
    assert (decision.verdict, decision.reason, decision.fallback) == (Verdict.FAIL, "address-suppressed", None)


def test_row4_a_suppressed_non_statutory_message_is_skipped_not_fallen_back() -> None:
    decision = decided(outbox_message("email", statutory=False), suppressed=True)
    assert (decision.verdict, decision.reason) == (Verdict.SKIP, "suppressed")


# Row 5: safe hours with no minute in them.
def test_row5_safe_hours_with_no_minute_block_a_statutory_message() -> None:
    facts = SendFacts(victim=victim_contact(safe_contact=SafeContactProfile(safe_hours=NO_MINUTE)))
    decision = decided(outbox_message(statutory=True), facts=facts)
    assert (decision.verdict, decision.reason) == (Verdict.BLOCK, "no-safe-time")


def test_row5_safe_hours_with_no_minute_skip_a_non_statutory_message() -> None:
    facts = SendFacts(victim=victim_contact(safe_contact=SafeContactProfile(safe_hours=NO_MINUTE)))
    decision = decided(outbox_message(statutory=False), facts=facts)
    assert (decision.verdict, decision.reason) == (Verdict.SKIP, "no-safe-time")


# Row 6: safe hours that never meet quiet hours (non-statutory only).
def test_row6_safe_hours_outside_quiet_hours_skip_a_non_statutory_message() -> None:
    night = SafeContactProfile(safe_hours=SafeHours(time(22, 0), time(6, 0)))
    facts = SendFacts(victim=victim_contact(safe_contact=night))
    decision = decided(outbox_message(statutory=False), facts=facts, now=EVENING + timedelta(hours=1))
    assert (decision.verdict, decision.reason) == (Verdict.SKIP, "no-sending-moment")
    statutory = decided(outbox_message(statutory=True), facts=facts, now=EVENING + timedelta(hours=1))
    assert statutory.verdict is Verdict.SEND  # 23:00 is inside her safe hours


# Row 7: when.
def test_row7_outside_safe_hours_a_message_waits_for_them() -> None:
    evening = SafeContactProfile(safe_hours=SafeHours(time(18, 0), time(20, 0)))
    decision = decided(outbox_message(statutory=True), facts=SendFacts(victim=victim_contact(safe_contact=evening)))
    assert decision == SendDecision(Verdict.DEFER, send_after=datetime(2026, 3, 2, 18, 0, tzinfo=UTC))


def test_row7_outside_quiet_hours_a_non_statutory_message_waits_for_the_morning() -> None:
    decision = decided(outbox_message(statutory=False), now=EVENING)
    assert decision == SendDecision(Verdict.DEFER, send_after=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert decided(outbox_message(statutory=True), now=EVENING).verdict is Verdict.SEND


def test_row7_the_daily_cap_holds_a_non_statutory_message_for_a_day_after_the_oldest() -> None:
    recent = [NOW - timedelta(hours=h) for h in range(1, MAX_NON_STATUTORY_PER_DAY + 1)]
    decision = decided(outbox_message(statutory=False), recent_non_statutory=recent)
    assert decision == SendDecision(Verdict.DEFER, send_after=min(recent) + timedelta(days=1))
    assert decided(outbox_message(statutory=False), recent_non_statutory=recent[1:]).verdict is Verdict.SEND
    assert decided(outbox_message(statutory=True), recent_non_statutory=recent).verdict is Verdict.SEND


def test_row7_messages_older_than_a_day_do_not_count_towards_the_cap() -> None:
    old = [NOW - timedelta(days=1, minutes=m) for m in range(MAX_NON_STATUTORY_PER_DAY)]
    assert decided(outbox_message(statutory=False), recent_non_statutory=old).verdict is Verdict.SEND


# Row 8: send, with the template the case and profile allow.
def test_row8_a_message_goes_now_with_its_own_template_and_a_fallback_for_a_failed_send() -> None:
    decision = decided(outbox_message("email"))
    assert decision == SendDecision(Verdict.SEND, template_id="right3-confirmation", fallback=OtherChannel(Channel.SMS))
    assert decided(outbox_message("email", statutory=False)).fallback is None


def test_row8_a_disclosing_template_on_a_sensitive_case_becomes_content_free() -> None:
    decision = decided(discloses=True, case_flags=("domestic-abuse",))
    assert decision.template_id == CONTENT_FREE
    assert decided(discloses=False, case_flags=("domestic-abuse",)).template_id == "right3-confirmation"
    assert decided(discloses=True, case_flags=()).template_id == "right3-confirmation"


def test_row8_a_victim_who_may_not_be_named_by_police_gets_the_unbranded_stand_in() -> None:
    victim = victim_contact(safe_contact=SafeContactProfile(may_name_police=False))
    decision = decided(facts=SendFacts(victim=victim, discloses=True))
    assert decision.template_id == CONTENT_FREE_UNBRANDED


def test_row8_a_template_with_its_own_content_free_stand_in_uses_it() -> None:
    victim = victim_contact(safe_contact=SafeContactProfile(may_name_crime=False))
    decision = decided(facts=SendFacts(victim=victim, discloses=True, content_free="right3-content-free"))
    assert decision.template_id == "right3-content-free"


# Planning: the channels a journey writes a message for.
def test_planning_uses_each_allowed_channel_we_hold_an_address_for() -> None:
    assert planned_channels(victim_contact()) == ChannelPlan((Channel.EMAIL, Channel.SMS))
    assert planned_channels(victim_contact(email=None)) == ChannelPlan((Channel.SMS,))


def test_planning_with_no_allowed_channel_asks_for_another_way() -> None:
    victim = victim_contact(mobile=None, safe_contact=SafeContactProfile(safe_channels=(Channel.SMS,)))
    assert planned_channels(victim) == ChannelPlan((), "message-needs-another-way")


def test_planning_with_no_safe_minute_plans_no_channel() -> None:
    victim = victim_contact(safe_contact=SafeContactProfile(safe_hours=NO_MINUTE))
    assert planned_channels(victim) == ChannelPlan((), "no-safe-time")


# The fallback on its own (a bounce after sending).
def test_fallback_only_for_statutory_messages_and_only_to_another_allowed_channel() -> None:
    both = (Channel.EMAIL, Channel.SMS)
    assert fallback(True, Channel.EMAIL, both) == OtherChannel(Channel.SMS)
    assert fallback(True, Channel.EMAIL, both, (Channel.SMS,)) == OtherChannel(Channel.SMS, planned=True)
    assert fallback(False, Channel.EMAIL, both) is None
    assert fallback(True, Channel.EMAIL, (Channel.EMAIL,)) is None
