"""The shared layer's lock: every package the build installs is pinned and hashed, within the test set's pins."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "core"


def _pins(text: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\[\],-]+)==([^\s\\;]+)", text, flags=re.MULTILINE)
    return {re.sub(r"\[.*\]", "", name).lower().replace("_", "-"): version for name, version in found}


def test_every_package_the_layer_installs_is_pinned_with_a_hash() -> None:
    text = (LAYER / "requirements.txt").read_text()
    blocks = re.split(r"\n(?=[A-Za-z])", text.split("\n", 3)[3])  # one block per package, after the header
    assert len(blocks) >= 10  # the top-level choices and what they pull in
    for block in blocks:
        assert re.match(r"^[a-z0-9-]+==[^\s]+ \\\n", block), block.splitlines()[0]
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), block.splitlines()[0]
    assert "--require-hashes -r requirements.txt" in (LAYER / "Makefile").read_text()


def test_the_lock_holds_every_top_level_choice_at_its_version_and_the_tests_use_the_same() -> None:
    locked = _pins((LAYER / "requirements.txt").read_text())
    chosen = _pins((LAYER / "requirements.in").read_text())
    tested = _pins((ROOT / "requirements" / "dev.txt").read_text())
    assert chosen and all(locked.get(name) == version for name, version in chosen.items())
    shared = set(locked) & set(tested)
    assert {"botocore", "pydantic", "pynamodb"} <= shared
    assert {name: locked[name] for name in shared} == {name: tested[name] for name in shared}
