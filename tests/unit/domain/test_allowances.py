"""Allowances: each limited scope of a case has its own version, 0 until something uses it."""

from __future__ import annotations

from caseline.domain.allowances import Allowance, delegates_of, messages_of


def test_an_allowance_is_the_version_read_and_zero_before_any_use() -> None:
    versions = {messages_of("alex"): 4}
    assert Allowance.read(versions, messages_of("alex")) == Allowance(messages_of("alex"), 4)
    assert Allowance.read(versions, messages_of("sam")) == Allowance(messages_of("sam"), 0)


def test_each_account_and_each_victim_record_has_its_own_scope() -> None:
    scopes = {messages_of("alex"), messages_of("sam"), delegates_of("V-1"), delegates_of("V-2")}
    assert len(scopes) == 4
    # An account id that looks like a victim id never shares a scope with the record
    assert messages_of("V-1") != delegates_of("V-1")
