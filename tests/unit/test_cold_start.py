"""What a cold start leaves behind, in a fresh interpreter as Lambda would start it: every handler's
garbage collector running again after the pause while loading, with what loading built frozen; and the
victim API's rare routes' adapter modules not loaded until a route reads the adapter
(docs/adr/0005-lean-cold-start.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RARE = {
    "links": "caseline.adapters.dynamodb.linking",
    "account_store": "caseline.adapters.dynamodb.account_links",
    "rights": "caseline.adapters.dynamodb.data_rights",
    "identity": "caseline.adapters.identity",
}
# The linking module may load with the case view (delegations read it); these three are the rare routes' only.
NOT_AT_START = {RARE["account_store"], RARE["rights"], RARE["identity"]}
CHILD = """
import gc, json, sys
sys.path.insert(0, ".")
import handler, dependencies
rare = json.loads(sys.argv[1])
found = {"collecting": gc.isenabled(), "loaded_at_start": sorted(m for m in rare.values() if m in sys.modules)}
found["built"] = {name: type(getattr(dependencies, name)).__module__ for name in rare}
print(json.dumps(found))
"""


ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "PYTHONPATH": str(ROOT / "layers" / "core"),
    "PYTHONDONTWRITEBYTECODE": "1",
    "AWS_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "CASELINE_ENVIRONMENT": "local",
    "TABLE_NAME": "caseline-test",
    "FORCES": "thames-valley",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


FUNCTIONS = sorted(path.parent.name for path in (ROOT / "functions").glob("*/handler.py"))
LOADED = """
import gc, json, sys
sys.path.insert(0, ".")
imports = []
class Watch:  # sees every import after it, notes whether the collector was on, finds nothing itself
    def find_spec(self, name, path=None, target=None):
        imports.append((name, gc.isenabled()))
sys.meta_path.insert(0, Watch())
import handler
after = [on for name, on in imports[imports.index(("caseline.loading", True)) + 1 :]]
found = {"imports": len(after), "while_on": sum(after), "collecting": gc.isenabled()}
print(json.dumps(found | {"frozen": gc.get_freeze_count()}))
"""


def fresh_import(function: str, child: list[str]) -> dict[str, object]:
    done = subprocess.run(child, cwd=ROOT / "functions" / function, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_handler_loads_without_collections_then_collects_again(function: str) -> None:
    found = fresh_import(function, [sys.executable, "-c", LOADED])
    assert isinstance(found["imports"], int) and found["imports"] > 100  # every module below the pause...
    assert found["while_on"] == 0  # ...loaded with the collector off
    assert found["collecting"] is True
    assert isinstance(found["frozen"], int) and found["frozen"] > 10_000  # the modules and what they built


def test_the_collector_runs_again_and_rare_adapters_load_on_first_use() -> None:
    found = fresh_import("victim_api", [sys.executable, "-c", CHILD, json.dumps(RARE)])
    assert found["collecting"] is True
    assert NOT_AT_START.isdisjoint(found["loaded_at_start"])  # type: ignore[arg-type]
    assert found["built"] == RARE  # each adapter is its module's, built when first read
