"""The docs cannot drift silently: every function in template.yaml has its place in docs/architecture.md,
and every route of the OpenAPI document is described in docs/api.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
FUNCTIONS = sorted(set(re.findall(r"CodeUri: (functions/[a-z_]+)/", (ROOT / "template.yaml").read_text())))
ROUTES = sorted(
    (method.upper(), path)
    for path, operations in json.loads((ROOT / "docs" / "openapi.json").read_text())["paths"].items()
    for method in operations
    if method in {"get", "post", "put", "patch", "delete"}
)


def test_the_lists_are_read_from_the_template_and_the_openapi() -> None:
    assert len(FUNCTIONS) >= 9 and len(ROUTES) >= 15


@pytest.mark.parametrize("folder", FUNCTIONS)
def test_every_function_has_its_place_in_the_architecture(folder: str) -> None:
    assert f"`{folder}`" in ARCHITECTURE or f"`{folder}," in ARCHITECTURE


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_is_described_in_the_api_doc(method: str, path: str) -> None:
    # Written in full, or shortened after a route already named ("`DELETE …/accounts/{link_id}`")
    tail = "…/" + "/".join(path.split("/")[-2:])
    lines = [line for line in API.splitlines() if path in line or tail in line]
    assert any(re.search(rf"`{method}\b", line) for line in lines), f"{method} {path}"
