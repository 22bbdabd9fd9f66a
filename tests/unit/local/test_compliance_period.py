"""`make compliance` reports around the stack's today, which scenario tests and demos move."""

from __future__ import annotations

from datetime import date

from caseline_local.compliance import default_period


def test_the_default_period_is_ninety_days_back_and_thirty_ahead_of_the_given_today() -> None:
    # Given a stack whose clock was moved to August 2027
    today = date(2027, 8, 30)
    # Then the report covers the duties due around that day, not around the real today
    assert default_period(today) == (date(2027, 6, 1), date(2027, 9, 29))
