"""Figures derived at read time: message rates by channel, and the contact estimate with its assumptions."""

from __future__ import annotations

import pytest

from caseline.domain.insights_derived import ContactModel, contact_avoided, derived, linked_share, rates


def test_rates_are_shares_of_the_messages_sent_by_each_channel_that_sent_any() -> None:
    found = rates({"sent_email": 200, "bounced_email": 3, "complained_email": 1, "failed_email": 2, "failed_sms": 4})
    assert found == {
        "delivery_rate_email": 0.985,
        "bounce_rate_email": 0.015,
        "complaint_rate_email": 0.005,
        "failure_rate_email": 0.01,
    }  # no SMS sent: no SMS rates, rather than a division by zero
    assert rates({}) == {}


def test_the_contact_estimate_shows_its_assumptions_and_what_was_counted() -> None:
    totals = {
        "adoption": {"cases_linked": 34, "victims_linked": 30},  # four victims linked a second account
        "contact": {"case_views": 120, "update_requests": 6, "victim_messages": 4, "calls_recorded": 9},
    }
    model = ContactModel(calls_per_update_chasing_victim=1.5, cost_per_call_pounds=4.2, source="Force study 2026")
    assert contact_avoided(totals, model) == {
        "update_chasing_victims": 30,
        "calls_avoided_estimate": 45.0,
        "cost_avoided_estimate_pounds": 189.0,
        "handled_online": 130,
        "calls_recorded": 9,
        "assumptions": {
            "calls_per_update_chasing_victim": 1.5,
            "cost_per_call_pounds": 4.2,
            "source": "Force study 2026",  # the SMS price is sms_cost's
        },
    }
    assert derived({}, ContactModel())["contact_avoided"]["calls_avoided_estimate"] == 0


def test_the_contact_estimate_counts_each_victim_who_linked_once_not_each_account() -> None:
    # one victim linked two accounts (her phone and her laptop): one victim who no longer calls, not two
    totals = {"adoption": {"cases_linked": 2, "accounts_created": 2, "victims_linked": 1}}
    found = contact_avoided(totals, ContactModel())
    assert (found["update_chasing_victims"], found["calls_avoided_estimate"]) == (1, 2.0)


def test_sms_cost_is_the_segments_sent_at_the_force_s_price() -> None:
    model = ContactModel(sms_price_per_segment_pounds=0.035, source="Our provider's 2026 price list")
    assert derived({"messages": {"sent_sms": 40, "sms_segments": 52}}, model)["sms_cost"] == {
        "segments": 52,
        "cost_estimate_pounds": 1.82,
        "assumptions": {"sms_price_per_segment_pounds": 0.035, "source": "Our provider's 2026 price list"},
    }


@pytest.mark.parametrize("settings", [None, {}, {"unknown": 1}])
def test_a_force_without_settings_gets_the_defaults_and_says_so(settings: dict[str, int] | None) -> None:
    model = ContactModel.from_settings(settings)
    assert model == ContactModel() and "default" in model.source
    assert ContactModel.from_settings({"cost_per_call_pounds": 7}).cost_per_call_pounds == 7


def test_the_share_of_invited_victims_who_linked_is_a_rate_of_the_range_s_victims() -> None:
    adoption = {"victims_invited": 8, "victims_linked": 6, "invitations_sent": 13, "cases_linked": 7}
    assert linked_share(adoption) == {"invited_victims_who_linked": 0.75}  # victims, not messages or links
    rates = derived({"adoption": adoption}, ContactModel())["rates"]
    assert rates == {"invited_victims_who_linked": 0.75, "opt_out_rate": 0.0}  # 6 linked, none opted out
    assert linked_share({"victims_linked": 2}) == {}  # nobody invited in the range: no rate, no division by 0


def test_the_opt_out_rate_is_opt_outs_over_victims_who_linked_and_absent_without_links() -> None:
    from caseline.domain.insights_derived import opt_out_share

    assert opt_out_share({"adoption": {"victims_linked": 8}, "messages": {"opted_out": 2}}) == {"opt_out_rate": 0.25}
    assert opt_out_share({"adoption": {"victims_linked": 3}}) == {"opt_out_rate": 0.0}
    assert opt_out_share({"messages": {"opted_out": 2}}) == {}
