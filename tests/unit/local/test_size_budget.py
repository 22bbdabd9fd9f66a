"""The local stack's size budget (docs/adr/0003-local-stack.md): infra/local stays a tool, not a second product.

Lines of code: not blank, not comments, not docstrings. Raise the budget only with a row in the ADR's
table saying why no installed library (moto, the SAM translator, pyjwt, pydantic...) can do the new piece;
lower it when code goes.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BUDGET = 5_100  # lines of code in infra/local/**/*.py; 4,064 when set; 4,961 with the burst paths; 5,024 with the soak
# (the worked examples' builder is a docs tool: tools/event_examples.py)
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def code_lines(source: str) -> int:
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in SKIPPED:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def test_code_lines_count_code_only() -> None:
    source = """\"\"\"Docstring
over two lines.\"\"\"

# a comment
x = 1  # counted


def f():
    \"\"\"One.\"\"\"
    return (
        x
    )
"""
    assert code_lines(source) == 5


def test_the_local_stack_is_within_its_budget() -> None:
    sizes = {path.relative_to(ROOT): code_lines(path.read_text()) for path in (ROOT / "infra" / "local").rglob("*.py")}
    total = sum(sizes.values())
    largest = ", ".join(f"{path} {lines}" for path, lines in sorted(sizes.items(), key=lambda kv: -kv[1])[:5])
    assert total <= BUDGET, f"infra/local has {total} lines of code, over its budget of {BUDGET} (largest: {largest})"
