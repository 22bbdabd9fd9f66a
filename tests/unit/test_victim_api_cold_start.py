"""What the victim API's cold start leaves behind, in a fresh interpreter as Lambda would start it: the
garbage collector running again after the pause while loading, and the modules of rare routes' adapters not
loaded until a route reads the adapter (docs/adr/0005-lean-cold-start.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_the_collector_runs_again_and_rare_adapters_load_on_first_use() -> None:
    env = {
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
    child = [sys.executable, "-c", CHILD, json.dumps(RARE)]
    done = subprocess.run(child, cwd=ROOT / "functions" / "victim_api", env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["collecting"] is True
    assert NOT_AT_START.isdisjoint(found["loaded_at_start"])
    assert found["built"] == RARE  # each adapter is its module's, built when first read
