"""The portal as the local gateway serves it: the headers of infra/portal.yaml's response headers policy
(read from the template, so local and deployed cannot drift), the forces' branding, and the
configuration a deployed portal reads from /config.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseline_local.template import NotReadyError, Template

FORCES_FILE = Path("layers") / "core" / "caseline" / "content" / "forces.json"
_NESTED_STACK = "AWS::CloudFormation::Stack"
_HEADERS_POLICY = "AWS::CloudFront::ResponseHeadersPolicy"


@dataclass(frozen=True)
class ResponseHeader:
    """One header a CloudFront response headers policy sets; ``override`` replaces the origin's own."""

    name: str
    value: str
    override: bool


def portal_stack(main: Template) -> Template:
    """The portal hosting stack nested in template.yaml, with the parameters it is given that can be
    worked out locally (the API's host name cannot: there is no API Gateway here)."""
    stacks = [
        spec["Properties"]
        for spec in main.of_type(_NESTED_STACK).values()
        if str(spec["Properties"]["TemplateURL"]).endswith("portal.yaml")
    ]
    if len(stacks) != 1:
        raise RuntimeError(f"template.yaml should nest infra/portal.yaml once, found {len(stacks)}")
    overrides: dict[str, Any] = {}
    for name, value in stacks[0].get("Parameters", {}).items():
        try:
            overrides[name] = main.resolve(value)
        except (NotReadyError, KeyError):
            continue
    path = main.path.parent / stacks[0]["TemplateURL"]
    return Template.read(path, region=main.region, overrides=overrides)


def response_headers(main: Template) -> list[ResponseHeader]:
    """Every header of the portal's response headers policy, as CloudFront sends it."""
    stack = portal_stack(main)
    policies = stack.of_type(_HEADERS_POLICY)
    if len(policies) != 1:
        raise RuntimeError(f"infra/portal.yaml should have one response headers policy, found {len(policies)}")
    (policy,) = policies.values()
    return policy_headers(stack.resolve(policy["Properties"]["ResponseHeadersPolicyConfig"]))


def policy_headers(config: dict[str, Any]) -> list[ResponseHeader]:
    """A ResponseHeadersPolicyConfig as headers. A setting this does not know is refused rather than
    skipped, so a header added to the template cannot be missing locally."""
    security = dict(config.get("SecurityHeadersConfig", {}))
    headers: list[ResponseHeader] = []

    def add(key: str, name: str, value: str) -> None:
        headers.append(ResponseHeader(name, value, bool(security.pop(key)["Override"])))

    if "ContentSecurityPolicy" in security:
        csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        add("ContentSecurityPolicy", "Content-Security-Policy", csp)
    if "StrictTransportSecurity" in security:
        hsts = security["StrictTransportSecurity"]
        value = f"max-age={int(hsts['AccessControlMaxAgeSec'])}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        add("StrictTransportSecurity", "Strict-Transport-Security", value)
    if "FrameOptions" in security:
        add("FrameOptions", "X-Frame-Options", security["FrameOptions"]["FrameOption"])
    if "ContentTypeOptions" in security:
        add("ContentTypeOptions", "X-Content-Type-Options", "nosniff")
    if "ReferrerPolicy" in security:
        add("ReferrerPolicy", "Referrer-Policy", security["ReferrerPolicy"]["ReferrerPolicy"])
    if security:
        raise RuntimeError(f"the local gateway does not know these security headers settings: {sorted(security)}")
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        headers.append(ResponseHeader(item["Header"], str(item["Value"]), bool(item["Override"])))
    unknown = set(config) - {"Name", "Comment", "SecurityHeadersConfig", "CustomHeadersConfig"}
    if unknown:
        raise RuntimeError(f"the local gateway does not apply these response headers settings: {sorted(unknown)}")
    return headers


def force_branding(root: Path, force_ids: list[str]) -> dict[str, dict[str, str]]:
    """Each force's name, colour and phone number for the portal (layers/core/caseline/content/forces.json)."""
    branding = json.loads((root / FORCES_FILE).read_text(encoding="utf-8"))["forces"]
    return {force_id: dict(branding[force_id]) for force_id in force_ids if force_id in branding}


def deployed_config(*, region: str, pools: dict[str, str], forces: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the deploy writes to the portal bucket as config.json: public ids only, no secrets. The API
    is on the portal's own origin (CloudFront's /v1/* behaviour), so apiUrl is empty: same origin.
    ``pools`` maps the stack's outputs to the victims' and the staff's pool and client ids."""
    return {
        "region": region,
        "apiUrl": "",
        "cognitoEndpoint": f"https://cognito-idp.{region}.amazonaws.com/",
        "userPoolId": pools["UserPoolId"],
        "userPoolClientId": pools["UserPoolClientId"],
        "staffUserPoolId": pools["StaffUserPoolId"],
        "staffUserPoolClientId": pools["StaffUserPoolClientId"],
        # A force's own identity provider for staff, through the staff pool's hosted UI (ADR 0019), when set
        **(
            {"staffFederation": {"url": pools["StaffSignInUrl"], "provider": pools["StaffIdentityProviderName"]}}
            if pools.get("StaffSignInUrl")
            else {}
        ),
        "forces": forces,
    }
