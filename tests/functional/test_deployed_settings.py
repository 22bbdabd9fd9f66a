"""Deployed settings: each function, given exactly template.yaml's variables, imports; one missing stops it.

Each import runs in a fresh interpreter, as a Lambda cold start does, with Environment=prod and placeholders
for the resources' names and ARNs. Nothing is called: the endpoint is a closed port.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from caseline.config import LOCAL_DEFAULTS
from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "prod"})
FUNCTIONS = sorted(TEMPLATE.of_type("AWS::Serverless::Function"))
# Variables that are not the layer's settings: Powertools' own, and the interpreter's.
NOT_SETTINGS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"}
NOT_SETTINGS |= {"POWERTOOLS_LOGGER_LOG_EVENT", "PYTHONDONTWRITEBYTECODE", "CASELINE_XRAY_SDK"}


class _Placeholder(dict[str, str]):
    """A resource that was never created: any attribute is a made-up name."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, attribute: str) -> str:
        return f"arn:aws:placeholder:eu-west-2:123456789012:{self.name}/{attribute}"


TEMPLATE.physical = {name: _Placeholder(name) for name in TEMPLATE.resources}


def variables(function: str) -> dict[str, str]:
    """What the template gives ``function``: Globals' variables, then its own."""
    own: dict[str, Any] = TEMPLATE.resources[function]["Properties"].get("Environment", {}).get("Variables", {})
    found = {**TEMPLATE.globals_function["Environment"]["Variables"], **own}
    return {name: str(value) for name, value in TEMPLATE.resolve(found).items()}


def cold_start(function: str, *, without: str | None = None) -> subprocess.CompletedProcess[str]:
    props = TEMPLATE.resources[function]["Properties"]
    module = str(props.get("Handler", TEMPLATE.globals_function.get("Handler", "handler.lambda_handler")))
    code_dir = ROOT / props["CodeUri"]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT / "layers" / "core"),
        "AWS_REGION": "eu-west-2",  # as the Lambda runtime sets it
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
        **variables(function),
    }
    env.pop(without or "", None)
    code = f"import {module.rsplit('.', 1)[0]}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=code_dir, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_function_starts_with_what_the_template_gives_it(function: str) -> None:
    started = cold_start(function)
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize("function", ["DispatchFunction", "SignInFunction"])
def test_a_deployed_function_without_its_table_stops_at_import(function: str) -> None:
    """The issue's acceptance test: no TABLE_NAME, no start, and the error says which variable."""
    started = cold_start(function, without="TABLE_NAME")
    assert started.returncode != 0
    last = started.stderr.strip().splitlines()[-1]
    assert last.startswith("caseline.config.SettingsError: Missing environment variable TABLE_NAME "), last


def test_a_function_without_one_of_its_own_variables_stops_at_import() -> None:
    started = cold_start("DispatchFunction", without="EMAIL_FROM")
    assert started.returncode != 0
    last = started.stderr.strip().splitlines()[-1]
    assert last.startswith("caseline.config.SettingsError: EMAIL_FROM is not set (CASELINE_ENVIRONMENT='prod')"), last


def test_the_settings_know_every_variable_the_template_sets() -> None:
    """No variable in the template that the settings ignore, and no setting that no function gets."""
    given = {name for function in FUNCTIONS for name in variables(function)} - NOT_SETTINGS
    known = {"CASELINE_ENVIRONMENT", "SES_CONFIGURATION_SET", *LOCAL_DEFAULTS} - {"AWS_REGION"}
    assert given == known
