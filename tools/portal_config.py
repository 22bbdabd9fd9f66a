"""The deployed portal's config.json, from a deployed main stack (docs/runbook.md, "Deploying the portal").

    PYTHONPATH=layers/core:infra/local .venv/bin/python tools/portal_config.py --stack caseline-dev \\
        --region eu-west-2 > /tmp/config.json

Reads the stack's outputs (UserPoolId, UserPoolClientId and the staff pool's StaffUserPoolId,
StaffUserPoolClientId; with a force's identity provider, StaffSignInUrl and StaffIdentityProviderName
for config.json's staffFederation, ADR 0019) and its Forces parameter, adds each force's name, colour
and phone number from layers/core/caseline/content/forces.json, and writes the JSON the portal fetches
from /config.json.
Public ids only: nothing in it is secret.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import boto3

from caseline_local.portal import deployed_config, force_branding

ROOT = Path(__file__).resolve().parents[1]


def config_from_stack(stack: dict[str, Any], region: str, root: Path = ROOT) -> dict[str, Any]:
    """The config.json for a stack as ``describe_stacks`` returns it."""
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    forces = [f.strip() for f in parameters.get("Forces", "").split(",") if f.strip()]
    missing = sorted(set(forces) - set(force_branding(root, forces)))
    if missing:
        raise SystemExit(f"no branding in {root / 'layers/core/caseline/content/forces.json'} for {missing}")
    return deployed_config(
        region=region,
        pools=outputs,
        forces=force_branding(root, forces),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="the main stack's name, e.g. caseline-dev")
    parser.add_argument("--region", required=True)
    args = parser.parse_args(argv)
    cloudformation = boto3.session.Session(region_name=args.region).client("cloudformation")
    (stack,) = cloudformation.describe_stacks(StackName=args.stack)["Stacks"]
    json.dump(config_from_stack(stack, args.region), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
