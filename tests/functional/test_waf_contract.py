"""Contract tests on the web ACLs: every rule listed, WafMode counts or blocks all of them, the rate rules
cover the routes the API really has, and victims' routes are reachable only through the portal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
ROUTES = set(json.loads((ROOT / "docs" / "openapi.json").read_text())["paths"])


def _main(mode: str = "BLOCK", environment: str = "test") -> Template:
    return Template.read(
        ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": environment, "WafMode": mode}
    )


def _portal_waf(mode: str = "BLOCK") -> Template:
    return Template.read(
        ROOT / "infra" / "portal-waf.yaml", region="us-east-1", overrides={"Environment": "test", "WafMode": mode}
    )


def _acls(mode: str) -> dict[str, tuple[Template, dict[str, Any]]]:
    main, portal = _main(mode), _portal_waf(mode)
    return {
        "ApiWebAcl": (main, main.resources["ApiWebAcl"]["Properties"]),
        "UserPoolWebAcl": (main, main.resources["UserPoolWebAcl"]["Properties"]),
        "PortalWebAcl": (portal, portal.resources["PortalWebAcl"]["Properties"]),
    }


EXPECTED_RULES = {
    "ApiWebAcl": ["only-through-the-portal", "force-webhook-rate", "aws-ip-reputation", "aws-known-bad-inputs"],
    "UserPoolWebAcl": [
        "sign-up-only-through-caseline",
        "account-email-rate",
        "sign-in-rate",
        "aws-ip-reputation",
        "aws-known-bad-inputs",
    ],
    "PortalWebAcl": [
        "report-rate",
        "link-rate",
        "api-rate",
        "aws-ip-reputation",
        "aws-common",
        "aws-known-bad-inputs",
        "sign-up-rate",
    ],
}


def test_every_rule_of_every_web_acl_is_listed_here_in_priority_order() -> None:
    found = {name: [rule["Name"] for rule in props["Rules"]] for name, (_, props) in _acls("BLOCK").items()}
    assert found == EXPECTED_RULES
    for _, props in _acls("BLOCK").values():
        assert [rule["Priority"] for rule in props["Rules"]] == list(range(len(props["Rules"])))
        assert props["DefaultAction"] == {"Allow": {}}
    assert {props["Scope"] for _, props in _acls("BLOCK").values()} == {"REGIONAL", "CLOUDFRONT"}


@pytest.mark.parametrize(
    ("mode", "action", "override"), [("BLOCK", {"Block": {}}, {"None": {}}), ("COUNT", {"Count": {}}, {"Count": {}})]
)
def test_waf_mode_decides_for_every_rule(mode: str, action: dict[str, Any], override: dict[str, Any]) -> None:
    for template, props in _acls(mode).values():
        for rule in props["Rules"]:
            if "ManagedRuleGroupStatement" in rule["Statement"]:
                assert template.resolve(rule["OverrideAction"]) == override, rule["Name"]
            else:
                assert template.resolve(rule["Action"]) == action, rule["Name"]


def _rate(props: dict[str, Any], name: str) -> dict[str, Any]:
    rule = next(rule for rule in props["Rules"] if rule["Name"] == name)
    statement: dict[str, Any] = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"  # the viewer's own address: these ACLs sit where it is seen
    assert statement["EvaluationWindowSec"] == 300
    return statement


def _matches(statement: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every (field, constraint, value) a scope-down statement tests."""
    if "ByteMatchStatement" in statement:
        match = statement["ByteMatchStatement"]
        field = next(iter(match["FieldToMatch"]))
        if field == "SingleHeader":
            field = match["FieldToMatch"][field]["Name"]
        return [(field, match["PositionalConstraint"], match["SearchString"])]
    inner = statement.get("AndStatement") or statement.get("OrStatement") or {"Statements": []}
    return [found for part in inner["Statements"] for found in _matches(part)]


def test_the_portal_rate_rules_cover_reporting_and_linking_as_the_api_spells_them() -> None:
    _, props = _acls("BLOCK")["PortalWebAcl"]
    report = _rate(props, "report-rate")
    assert _matches(report["ScopeDownStatement"]) == [
        ("Method", "EXACTLY", "POST"),
        ("UriPath", "STARTS_WITH", "/v1/reports"),
    ]
    link = _rate(props, "link-rate")
    assert _matches(link["ScopeDownStatement"]) == [
        ("Method", "EXACTLY", "POST"),
        ("UriPath", "STARTS_WITH", "/v1/me/links"),
    ]
    sign_up = _rate(props, "sign-up-rate")
    assert _matches(sign_up["ScopeDownStatement"]) == [
        ("Method", "EXACTLY", "POST"),
        ("UriPath", "STARTS_WITH", "/v1/accounts"),
    ]
    # the routes the rules name exist
    assert {"/v1/reports", "/v1/me/links", "/v1/accounts", "/v1/accounts/confirmation"} <= ROUTES
    assert report["Limit"] <= 100 and link["Limit"] <= 100 and sign_up["Limit"] <= 100
    assert _rate(props, "api-rate")["Limit"] > 10 * report["Limit"]  # the overall rate never starves a victim first


def test_only_the_accounts_function_can_call_sign_up_on_the_user_pool() -> None:
    # Cognito's SignUp says UsernameExistsException for a known address, ConfirmSignUp "already confirmed": the
    # pool refuses them (and resent codes) without the accounts function's secret header, so every sign-up
    # answers as POST /v1/accounts does (ADR 0014).
    main, props = _acls("BLOCK")["UserPoolWebAcl"]
    rule = props["Rules"][0]
    assert rule["Name"] == "sign-up-only-through-caseline"
    targets, not_header = rule["Statement"]["AndStatement"]["Statements"]
    assert _matches(targets) == [
        ("x-amz-target", "EXACTLY", f"AWSCognitoIdentityProviderService.{operation}")
        for operation in ("SignUp", "ConfirmSignUp", "ResendConfirmationCode")
    ]
    assert _matches(not_header["NotStatement"]["Statement"]) == [
        ("x-caseline-sign-up", "EXACTLY", {"Fn::Sub": "{{resolve:secretsmanager:${SignUpVerifySecret}:SecretString}}"})
    ]
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False  # a sample would show the header's value
    function = main.resources["AccountsFunction"]["Properties"]
    assert function["Environment"]["Variables"]["SIGN_UP_SECRET_ID"] == {"Ref": "SignUpVerifySecret"}
    assert function["Events"]["CreateAccount"]["Properties"]["Auth"] == {"Authorizer": "NONE"}


def test_the_user_pool_rate_rules_cover_resets_and_sign_in() -> None:
    _, props = _acls("BLOCK")["UserPoolWebAcl"]
    target = "x-amz-target"
    assert _matches(_rate(props, "account-email-rate")["ScopeDownStatement"]) == [
        (target, "EXACTLY", "AWSCognitoIdentityProviderService.ForgotPassword"),
    ]
    assert _matches(_rate(props, "sign-in-rate")["ScopeDownStatement"]) == [
        (target, "STARTS_WITH", "AWSCognitoIdentityProviderService.InitiateAuth")
    ]


def test_victims_routes_reach_the_api_only_through_the_portal_and_webhooks_come_direct() -> None:
    main, props = _acls("BLOCK")["ApiWebAcl"]
    rule = props["Rules"][0]
    webhooks, header = (part["NotStatement"]["Statement"] for part in rule["Statement"]["AndStatement"]["Statements"])
    assert _matches(webhooks) == [("UriPath", "CONTAINS", "/v1/webhooks/")]
    assert any(route.startswith("/v1/webhooks/") for route in ROUTES)
    (name, constraint, value) = _matches(header)[0]
    assert (name, constraint) == ("x-caseline-origin", "EXACTLY")
    assert value == {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"}
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False  # a sample would show the header's value
    # The portal's distribution sends the same header, with the same secret, to the API origin only.
    hosting = main.resources["PortalHosting"]["Properties"]["Parameters"]
    assert hosting["OriginVerifySecretArn"] == {"Ref": "OriginVerifySecret"}
    assert hosting["WebAclArn"] == {"Ref": "PortalWebAclArn"}
    portal = Template.read(ROOT / "infra" / "portal.yaml", region="eu-west-2", overrides=_portal_parameters())
    config = portal.resources["PortalDistribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["api"]["OriginCustomHeaders"] == [
        {
            "HeaderName": "x-caseline-origin",
            "HeaderValue": {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecretArn}:SecretString}}"},
        }
    ]
    assert "OriginCustomHeaders" not in origins["portal-bucket"]
    assert portal.resolve(config["WebACLId"]) == "arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseline/x"


def _portal_parameters() -> dict[str, str]:
    return {
        "Environment": "test",
        "PortalUrl": "https://caseline.example.org",
        "ApiDomainName": "api.example.org",
        "ApiStageName": "test",
        "WebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseline/x",
        "OriginVerifySecretArn": "arn:secret",
    }


def test_the_acls_guard_the_stage_and_the_user_pool_and_prod_needs_the_portal_acl() -> None:
    main = _main()
    associations = {name: spec["Properties"] for name, spec in main.of_type("AWS::WAFv2::WebACLAssociation").items()}
    assert associations == {
        "ApiWebAclAssociation": {
            "ResourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${CaselineApi}"
                "/stages/${CaselineApi.Stage}"
            },
            "WebACLArn": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]},
        },
        "UserPoolWebAclAssociation": {
            "ResourceArn": {"Fn::GetAtt": ["VictimUserPool", "Arn"]},
            "WebACLArn": {"Fn::GetAtt": ["UserPoolWebAcl", "Arn"]},
        },
    }
    rule = main.body["Rules"]["ProductionHasAPortalWebAcl"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "PortalWebAclArn"}, ""]}]}


def test_every_check_checkov_skips_everywhere_is_justified_in_the_template() -> None:
    config = (ROOT / ".checkov.yaml").read_text()
    skipped = re.findall(r"^  - (CKV_\w+)$", config, flags=re.MULTILINE)
    justified = re.findall(r"^# - (CKV_\w+) \(", (ROOT / "template.yaml").read_text(), flags=re.MULTILINE)
    assert skipped and sorted(skipped) == sorted(justified)
