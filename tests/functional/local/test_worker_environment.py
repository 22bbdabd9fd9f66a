"""A function's environment holds its handler and the layer, not the script that started the stack."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from caseline_local.workers import FunctionSpec, FunctionWorker

HANDLER = """
import sys


def lambda_handler(event, context):
    main = sys.modules.get("__mp_main__")
    return {"parent_main": getattr(main, "__file__", None)}
"""


def test_the_starting_script_is_not_imported_into_a_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a stack started from a script (a benchmark) that notes each import of itself
    imported = tmp_path / "imported"
    script = tmp_path / "bench.py"
    script.write_text(f"from pathlib import Path\nPath({str(imported)!r}).write_text('imported')\n")
    starter = types.ModuleType("__main__")
    starter.__file__ = str(script)
    starter.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", starter)
    (tmp_path / "handler.py").write_text(HANDLER)
    spec = FunctionSpec("PlainFunction", "caseline-local-plain", tmp_path, "handler.lambda_handler", {}, 60, 128)
    # When a function's environment starts and is invoked
    worker = FunctionWorker(spec, tmp_path)
    try:
        worker.wait_ready()
        answer = worker.invoke({})
    finally:
        worker.stop()
    # Then the script was not run again inside it (with it, moto and the whole stack)
    assert answer == {"parent_main": None}
    assert not imported.exists()
