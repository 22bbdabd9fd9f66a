"""Contract tests on the portal's hosting (infra/portal.yaml, nested in template.yaml) and the forces'
branding: what cfn-lint cannot judge: privacy of the bucket, TLS, origin access and the headers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseline.domain.vocabulary import FORCE_NAMES
from caseline_local.portal import FORCES_FILE, portal_stack
from caseline_local.template import Template

ROOT = Path(__file__).resolve().parents[2]
MAIN = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "test"})
PORTAL = portal_stack(MAIN)
RESOURCES = PORTAL.resources
DISTRIBUTION = RESOURCES["PortalDistribution"]["Properties"]["DistributionConfig"]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
DISTRIBUTION_ARN = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${PortalDistribution}"


def _policy() -> dict[str, Any]:
    (policy,) = PORTAL.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    config = PORTAL.resolve(policy["Properties"]["ResponseHeadersPolicyConfig"])
    assert isinstance(config, dict)
    return config


def _behaviours() -> list[dict[str, Any]]:
    return [DISTRIBUTION["DefaultCacheBehavior"], *DISTRIBUTION["CacheBehaviors"]]


def _contrast_on_white(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_the_main_stack_nests_the_portal_with_the_api_host_and_stage() -> None:
    (nested,) = MAIN.of_type("AWS::CloudFormation::Stack").values()
    parameters = nested["Properties"]["Parameters"]
    assert nested["Properties"]["TemplateURL"] == "infra/portal.yaml"
    assert parameters["ApiDomainName"] == {"Fn::Sub": "${CaselineApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert parameters["ApiStageName"] == MAIN.resources["CaselineApi"]["Properties"]["StageName"]
    outputs = MAIN.body["Outputs"]
    assert {"PortalBucketName", "PortalDistributionId", "PortalDistributionDomainName"} <= set(outputs)


def test_the_portal_bucket_is_private_encrypted_and_versioned() -> None:
    bucket = RESOURCES["PortalBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]  # no ACLs at all
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    assert "WebsiteConfiguration" not in bucket  # never the public website endpoint


def test_only_the_distribution_reads_the_bucket_and_only_over_tls() -> None:
    statements = RESOURCES["PortalBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "OnlyThisDistributionReads",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "${PortalBucket.Arn}/*"},
            "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": DISTRIBUTION_ARN}}},
        }
    ]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(deny["Resource"]) == 2  # the bucket and every object


def test_cloudfront_reaches_the_bucket_through_origin_access_control_only() -> None:
    control = RESOURCES["PortalOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (control["OriginAccessControlOriginType"], control["SigningBehavior"], control["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    (s3_origin,) = [o for o in DISTRIBUTION["Origins"] if "S3OriginConfig" in o]
    assert s3_origin["OriginAccessControlId"] == {"Fn::GetAtt": ["PortalOriginAccessControl", "Id"]}
    assert s3_origin["S3OriginConfig"]["OriginAccessIdentity"] == ""  # no legacy origin access identity
    assert s3_origin["DomainName"] == {"Fn::GetAtt": ["PortalBucket", "RegionalDomainName"]}
    assert DISTRIBUTION["DefaultRootObject"] == "index.html"


def test_viewers_use_https_with_tls_1_2_or_later_and_production_needs_its_certificate() -> None:
    assert {b["ViewerProtocolPolicy"] for b in _behaviours()} <= {"redirect-to-https", "https-only"}
    with_certificate = DISTRIBUTION["ViewerCertificate"]["Fn::If"]
    assert with_certificate[0] == "HasCertificate"
    assert with_certificate[1]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert with_certificate[1]["SslSupportMethod"] == "sni-only"
    rule = PORTAL.body["Rules"]["ProductionHasItsOwnDomain"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "PortalCertificateArn"}, ""]}]}


def test_the_api_is_on_the_same_origin_uncached_with_the_authorization_header() -> None:
    (api,) = [b for b in DISTRIBUTION["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    (origin,) = [o for o in DISTRIBUTION["Origins"] if o["Id"] == api["TargetOriginId"]]
    assert origin["DomainName"] == {"Ref": "ApiDomainName"}
    assert origin["OriginPath"] == {"Fn::Sub": "/${ApiStageName}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    assert api["CachePolicyId"] == CACHING_DISABLED
    # Authorization reaches the origin only through an all-viewer policy when caching is disabled; not Host.
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert {"POST", "PUT", "DELETE"} <= set(api["AllowedMethods"])


def test_every_response_gets_the_headers_policy() -> None:
    for behaviour in _behaviours():
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "PortalResponseHeadersPolicy"}


def test_the_headers_policy_sets_a_strict_csp() -> None:
    csp = _policy()["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["Override"] is True
    assert csp["ContentSecurityPolicy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self' https://cognito-idp.eu-west-2.amazonaws.com; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    )
    assert "unsafe" not in csp["ContentSecurityPolicy"]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("StrictTransportSecurity", {"AccessControlMaxAgeSec": 63072000, "IncludeSubdomains": True, "Preload": True}),
        ("FrameOptions", {"FrameOption": "DENY"}),
        ("ContentTypeOptions", {}),
        ("ReferrerPolicy", {"ReferrerPolicy": "no-referrer"}),
    ],
)
def test_the_headers_policy_sets_each_security_header(setting: str, expected: dict[str, Any]) -> None:
    assert _policy()["SecurityHeadersConfig"][setting] == {**expected, "Override": True}


def test_the_headers_policy_keeps_everything_out_of_the_browser_cache_and_denies_device_features() -> None:
    custom = {item["Header"]: item for item in _policy()["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == {"Header": "Cache-Control", "Value": "no-store", "Override": True}
    permissions = custom["Permissions-Policy"]
    assert permissions["Override"] is True
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions["Value"]


def test_access_logs_are_optional_private_and_expire() -> None:
    assert PORTAL.parameters["AccessLogs"] == "false"
    logs = RESOURCES["PortalLogBucket"]
    assert logs["Condition"] == "KeepAccessLogs"
    assert set(logs["Properties"]["PublicAccessBlockConfiguration"].values()) == {True}
    assert logs["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] <= 90


def test_every_force_has_its_name_a_phone_and_a_colour_with_aa_contrast_on_white() -> None:
    forces = json.loads((ROOT / FORCES_FILE).read_text(encoding="utf-8"))["forces"]
    assert set(forces) == set(MAIN.parameters["Forces"])
    for force_id, branding in forces.items():
        assert branding["name"] == FORCE_NAMES[force_id]
        assert branding["phone"] == "101"
        assert _contrast_on_white(branding["colour"]) >= 4.5, force_id
