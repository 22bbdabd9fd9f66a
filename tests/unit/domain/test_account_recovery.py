"""The one rule for who must recover their account through the force."""

from __future__ import annotations

import pytest

from caseline.domain.account_recovery import is_high_risk_victim


@pytest.mark.parametrize(
    ("tier", "flags", "high_risk"),
    [
        ("enhanced", ("domestic-abuse",), True),
        ("enhanced", ("stalking-harassment", "domestic-abuse"), True),
        ("standard", ("domestic-abuse",), False),  # the tier alone decides nothing
        ("enhanced", ("sexual-offence", "hate-crime"), False),  # enhanced for another reason
        ("enhanced", (), False),
        ("standard", (), False),
    ],
)
def test_an_enhanced_victim_of_domestic_abuse_is_high_risk(tier: str, flags: tuple[str, ...], high_risk: bool) -> None:
    assert is_high_risk_victim(tier, flags) is high_risk


def test_the_flags_may_be_any_iterable_even_a_one_shot_one() -> None:
    assert is_high_risk_victim("enhanced", iter(["fraud", "domestic-abuse"]))
    assert not is_high_risk_victim("enhanced", iter(["fraud"]))
