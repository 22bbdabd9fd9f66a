"""One place for ports: every typing.Protocol of the layer is in domain/ports.py or domain/account_ports.py."""

from __future__ import annotations

import ast
from pathlib import Path

LAYER = Path(__file__).resolve().parents[3] / "layers" / "core" / "caseline"
PORT_MODULES = {"domain/ports.py", "domain/account_ports.py"}
# Their value types (DispatchContext, JourneyState, RunWrites) still live in these services.
STILL_IN_SERVICES = {("services/dispatch.py", "DispatchReader"), ("services/journeys.py", "JourneyStore")}


def _protocols() -> dict[tuple[str, str], int]:
    found = {}
    for path in sorted(LAYER.rglob("*.py")):
        module = path.relative_to(LAYER).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(getattr(base, "id", None) == "Protocol" for base in node.bases):
                found[(module, node.name)] = node.lineno
    return found


def test_every_port_is_declared_in_the_port_modules() -> None:
    elsewhere = {key for key in _protocols() if key[0] not in PORT_MODULES}
    assert elsewhere == STILL_IN_SERVICES


def test_each_port_name_is_declared_once() -> None:
    names = [name for _, name in _protocols()]
    assert sorted(names) == sorted(set(names))
