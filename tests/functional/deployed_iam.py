"""What each function is granted once deployed: template.yaml through the SAM translator (the roles it
generates, with the managed policies it adds for event sources and its policy templates expanded, or the
function's own role), plus any ``AWS::IAM::RolePolicy`` on that role."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=1)
def _translated() -> dict[str, Any]:
    template = yaml_parse((ROOT / "template.yaml").read_text())
    for resource in template["Resources"].values():
        for code in ("CodeUri", "ContentUri"):  # the translator wants packaged code; the code is not judged here
            if code in resource.get("Properties", {}):
                resource["Properties"][code] = "s3://packaged/code.zip"
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="eu-west-2"))
    # The template names no managed policy by name, so there is nothing to look up in IAM.
    translated = translator.translate(template, parameter_values={}, get_managed_policy_map=dict)
    return translated["Resources"]  # type: ignore[no-any-return]


def function_roles() -> dict[str, dict[str, Any]]:
    """Each function's (logical id) execution role's properties, as CloudFormation will get them."""
    resources = _translated()
    return {
        name: resources[spec["Properties"]["Role"]["Fn::GetAtt"][0]]["Properties"]
        for name, spec in resources.items()
        if spec["Type"] == "AWS::Lambda::Function"
    }


def statements(function: str) -> list[dict[str, Any]]:
    """Every policy statement on the function's role: its inline policies and its role policies."""
    resources = _translated()
    role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    found = [s for policy in resources[role]["Properties"].get("Policies", []) for s in _each(policy["PolicyDocument"])]
    for spec in resources.values():
        if spec["Type"] == "AWS::IAM::RolePolicy" and spec["Properties"]["RoleName"] == {"Ref": role}:
            found += _each(spec["Properties"]["PolicyDocument"])
    return found


def _each(document: dict[str, Any]) -> list[dict[str, Any]]:
    statement = document["Statement"]
    return statement if isinstance(statement, list) else [statement]


def actions(statement: dict[str, Any]) -> set[str]:
    granted = statement["Action"]
    return set(granted if isinstance(granted, list) else [granted])


def managed_policy_names(function: str) -> set[str]:
    """The AWS managed policies on the function's role, by name (``service-role/AWSLambdaBasicExecutionRole``)."""
    arns = function_roles()[function].get("ManagedPolicyArns", [])
    return {(arn if isinstance(arn, str) else arn["Fn::Sub"]).split(":policy/")[1] for arn in arns}
