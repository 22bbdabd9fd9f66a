"""The Victims' Code rights shown to a victim, with the deadlines that apply to their tier."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Right:
    number: int
    title: str
    summary: str


def rights_for(tier: str) -> list[Right]:
    enhanced = tier == "enhanced"
    days = "1 working day" if enhanced else "5 working days"
    return [
        Right(1, "To understand and be understood", "Help to understand and be understood, including an interpreter."),
        Right(
            2,
            "To have details of the crime recorded without unjustified delay",
            "Your report is recorded, and you are told if it is not.",
        ),
        Right(
            3,
            "To be given information when reporting the crime",
            "Written confirmation with your crime reference and how to contact the officer.",
        ),
        Right(
            4,
            "To be referred to services that support victims",
            "Referral to support services within 2 working days of agreeing your needs.",
        ),
        Right(5, "To be given information about compensation", "How to claim compensation for injury or loss."),
        Right(
            6,
            "To be given information about the investigation and prosecution",
            f"You are told within {days} when a suspect is arrested, interviewed, released, bailed or charged.",
        ),
        Right(7, "To make a Victim Personal Statement", "A chance to explain how the crime has affected you."),
        Right(8, "To be given information about the trial", "Hearing dates and what happens at court."),
        Right(
            9,
            "To be given information about the outcome of the case and any appeals",
            "The court outcome and sentence within 1 working day of the witness care unit receiving it.",
        ),
        Right(10, "To be paid expenses and have property returned", "Expenses for going to court, property back."),
        Right(
            11,
            "To be given information about the offender following a conviction",
            "The Victim Contact Scheme when the sentence is 12 months or more for a violent or sexual offence.",
        ),
        Right(12, "To make a complaint about your rights not being met", "How to complain, and to whom."),
    ]
