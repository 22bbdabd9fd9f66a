"""Figures derived at read time from the counted totals (docs/adr/0015): message rates, and the estimate of
calls avoided and their cost, shown with the assumptions that make it.

Rates are never stored: a ratio of sums cannot be summed. Each is a share of the messages sent by that
channel in the range (absent when none were sent), or of the victims invited in it, rounded to four places.

SMS cost is the counted segments times the force's price per segment (also an assumption: prices change).
The contact model is an *estimate*, not a count. Its assumptions are a force's settings (``contact_model``
in the force's entry of ``content/forces.json``); the defaults below stand in until a force sets its own.
Issue 15 quotes, for the forces Caseline is modelled on, that a fifth of all calls were victims asking for
an update; we know of no published national figure for calls per victim or the cost of a call, so the
defaults are deliberately round and the answer says they are defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class ContactModel:
    """``calls_per_update_chasing_victim``: the update calls a victim who follows their case online would
    otherwise have made in the period; ``cost_per_call_pounds``: what one handled call costs the force;
    ``sms_price_per_segment_pounds``: what the force's SMS provider charges for one part of a text."""

    calls_per_update_chasing_victim: float = 2.0
    cost_per_call_pounds: float = 5.0
    sms_price_per_segment_pounds: float = 0.04
    source: str = "Caseline's defaults (no published national figure): set contact_model for your force"

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ContactModel:
        """The force's settings over the defaults; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (settings or {}).items() if k in known})


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4)


def rates(messages: Mapping[str, int]) -> dict[str, float]:
    """``{delivery|bounce|complaint|failure}_rate_{channel}`` for each channel that sent anything."""
    found: dict[str, float] = {}
    for channel in CHANNELS:
        sent = messages.get(f"sent_{channel}", 0)
        if not sent:
            continue
        bounced, complained = messages.get(f"bounced_{channel}", 0), messages.get(f"complained_{channel}", 0)
        found[f"delivery_rate_{channel}"] = _share(sent - bounced, sent)
        found[f"bounce_rate_{channel}"] = _share(bounced, sent)
        found[f"complaint_rate_{channel}"] = _share(complained, sent)
        found[f"failure_rate_{channel}"] = _share(messages.get(f"failed_{channel}", 0), sent)
    return found


def linked_share(adoption: Mapping[str, int]) -> dict[str, float]:
    """``invited_victims_who_linked``: the victims who first linked in the range as a share of those first
    invited in it (absent when none was invited). A ratio of the range's two flows, not a cohort: over a
    range long beside the time victims take to link it nears the share of invited victims who link; over
    a short one it can pass 1 (links of victims invited earlier, or never)."""
    invited = adoption.get("victims_invited", 0)
    return {"invited_victims_who_linked": _share(adoption.get("victims_linked", 0), invited)} if invited else {}


def contact_avoided(totals: Mapping[str, Mapping[str, int]], model: ContactModel) -> dict[str, Any]:
    """The estimate: victims who linked their case in the range follow it online instead of calling. Each
    victim once (``victims_linked``), not each account's link (``cases_linked``): a victim who links a second
    account, or links again after a new code, would not call twice as often."""
    contact, adoption = totals.get("contact", {}), totals.get("adoption", {})
    victims = adoption.get("victims_linked", 0)
    calls = round(victims * model.calls_per_update_chasing_victim, 1)
    return {
        "update_chasing_victims": victims,
        "calls_avoided_estimate": calls,
        "cost_avoided_estimate_pounds": round(calls * model.cost_per_call_pounds, 2),
        "handled_online": sum(contact.get(k, 0) for k in ("case_views", "update_requests", "victim_messages")),
        "calls_recorded": contact.get("calls_recorded", 0),
        "assumptions": {k: v for k, v in asdict(model).items() if k != "sms_price_per_segment_pounds"},
    }


def sms_cost(messages: Mapping[str, int], model: ContactModel) -> dict[str, Any]:
    """The SMS segments sent in the range times the force's price per segment."""
    segments = messages.get("sms_segments", 0)
    return {
        "segments": segments,
        "cost_estimate_pounds": round(segments * model.sms_price_per_segment_pounds, 2),
        "assumptions": {"sms_price_per_segment_pounds": model.sms_price_per_segment_pounds, "source": model.source},
    }


def opt_out_share(totals: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """``opt_out_rate``: victims who turned off the messages the Victims' Code does not require, as a share of
    the victims who linked in the range (absent when none linked). A ratio of two flows, like the linked share."""
    linked = totals.get("adoption", {}).get("victims_linked", 0)
    return {"opt_out_rate": _share(totals.get("messages", {}).get("opted_out", 0), linked)} if linked else {}


def derived(totals: Mapping[str, Mapping[str, int]], model: ContactModel) -> dict[str, Any]:
    messages = totals.get("messages", {})
    return {
        "rates": rates(messages) | linked_share(totals.get("adoption", {})) | opt_out_share(totals),
        "contact_avoided": contact_avoided(totals, model),
        "sms_cost": sms_cost(messages, model),
    }
