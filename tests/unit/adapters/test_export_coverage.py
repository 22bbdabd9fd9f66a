"""The data download covers every kind of item the table holds about a person: each is exported, or left
out with a sentence the victim reads in ``not_included``. An item kind added to the table without a line in
``caseline.services.data_rights`` fails here."""

from __future__ import annotations

from caseline.adapters.dynamodb.models import CaselineItem
from caseline.services.data_rights import EXPORTED_ITEMS, LEFT_OUT_ITEMS, NOT_ABOUT_A_PERSON, NOT_INCLUDED

_PERSONAL = ("user_id", "victim_id")


def _kinds() -> dict[str, set[str]]:
    """Every item kind in models.py with its attribute names."""
    entity = CaselineItem._get_discriminator_attribute()
    assert entity is not None
    return {
        str(entity.get_discriminator(cls)): set(cls.get_attributes())
        for cls in entity.get_registered_subclasses(CaselineItem)
    }


def test_the_table_has_the_item_kinds_models_py_documents() -> None:
    kinds = _kinds()
    assert len(kinds) >= 27 and {"victim", "preferences", "message", "report"} <= set(kinds)


def test_every_item_kind_is_exported_left_out_with_a_reason_or_about_no_one() -> None:
    kinds = set(_kinds())
    classified = [set(EXPORTED_ITEMS), set(LEFT_OUT_ITEMS), NOT_ABOUT_A_PERSON]
    assert kinds - set().union(*classified) == set(), "say where the new item kind is in the download"
    assert all(not (a & b) for a in classified for b in classified if a is not b), "one place per kind"
    assert set().union(*classified) - kinds == set(), "a kind listed here that the table no longer has"


def test_an_item_about_a_victim_or_an_account_is_never_filed_as_about_no_one() -> None:
    personal = {kind for kind, attributes in _kinds().items() if attributes & set(_PERSONAL)}
    assert {"victim", "preferences", "survey", "member", "sign-in"} <= personal
    assert personal & NOT_ABOUT_A_PERSON == set()


def test_each_kind_left_out_has_its_reason_in_the_download() -> None:
    assert set(LEFT_OUT_ITEMS.values()) <= set(NOT_INCLUDED)
    assert "preferences" in EXPORTED_ITEMS and "preferences" not in LEFT_OUT_ITEMS
