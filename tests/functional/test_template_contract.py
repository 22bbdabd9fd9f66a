"""Contract tests on template.yaml: the properties that SAM and cfn-lint cannot judge for us."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from caseline_local.portal import response_headers
from caseline_local.template import Template

from .deployed_iam import actions, managed_policy_names, statements

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Template.read(ROOT / "template.yaml", region="eu-west-2", overrides={"Environment": "test"})
FUNCTIONS = TEMPLATE.of_type("AWS::Serverless::Function")


def _events(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, event["Properties"])
        for name, spec in FUNCTIONS.items()
        for event in spec["Properties"].get("Events", {}).values()
        if event["Type"] == kind
    ]


def test_table_is_encrypted_with_the_data_key_recoverable_and_streams_both_images() -> None:
    table = TEMPLATE.resources["CaselineTable"]["Properties"]
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": "DataKey"}}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_each_force_stack_generates_its_own_encrypted_secrets() -> None:
    force = Template.read(
        ROOT / "infra" / "force.yaml",
        region="eu-west-2",
        overrides={
            "Environment": "test",
            "ForceId": "kent",
            "DataKeyArn": "arn:key",
            "OutboundUrl": "https://kent.example.org/caseline",
        },
    )
    secrets = {
        name: force.resolve(spec["Properties"]) for name, spec in force.of_type("AWS::SecretsManager::Secret").items()
    }
    assert sorted(p["Name"] for p in secrets.values()) == ["caseline/test/outbound/kent", "caseline/test/webhook/kent"]
    for properties in secrets.values():
        assert properties["KmsKeyId"] == "arn:key"
        assert properties["GenerateSecretString"]["PasswordLength"] >= 32  # well over 24 random bytes
        assert "SecretString" not in properties  # nothing committed: generated at deploy time
    outbound = json.loads(secrets["OutboundSecret"]["GenerateSecretString"]["SecretStringTemplate"])
    assert outbound == {"previous": "", "endpoint": "https://kent.example.org/caseline"}
    # The main stack's only secrets are the web ACLs' header values: the portal's origin-verify and the accounts
    # function's sign-up header (test_waf_contract.py).
    assert sorted(TEMPLATE.of_type("AWS::SecretsManager::Secret")) == ["OriginVerifySecret", "SignUpVerifySecret"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_gets_only_its_own_least_privilege_role_once_deployed(name: str) -> None:
    # What SAM makes of the template, managed policies it adds for event sources included
    assert managed_policy_names(name) <= {"service-role/AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}
    for statement in statements(name):
        granted = actions(statement)
        assert not [a for a in granted if a == "*" or a.endswith(":*")], f"{name} grants {sorted(granted)}"
        resources = statement.get("Resource", [])
        assert "*" not in (resources if isinstance(resources, list) else [resources]), (
            f"{name} grants {sorted(granted)} on every resource"
        )


# What Lambda's event source mappings need of the function's role to read its stream or queue.
EVENT_SOURCE_NEEDS = {
    "DynamoDB": {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"},
    "SQS": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
}
_SOURCE = {"DynamoDB": "Stream", "SQS": "Queue"}


@pytest.mark.parametrize("kind", sorted(EVENT_SOURCE_NEEDS))
def test_each_stream_or_queue_consumer_may_read_its_own_source_and_no_other(kind: str) -> None:
    consumers = {
        name
        for name, spec in FUNCTIONS.items()
        for event in spec["Properties"].get("Events", {}).values()
        if event["Type"] == kind
    }
    assert consumers, kind
    for name in consumers:
        [source] = {
            json.dumps(event["Properties"][_SOURCE[kind]])
            for event in FUNCTIONS[name]["Properties"]["Events"].values()
            if event["Type"] == kind
        }
        granted: set[str] = set()
        for statement in statements(name):
            on = json.dumps(statement.get("Resource", statement.get("NotResource")))
            reads = actions(statement) & EVENT_SOURCE_NEEDS[kind]
            if reads:
                # its own stream or queue (a stream's ListStreams: the table's streams)
                assert on == source or on == json.dumps({"Fn::Sub": "${CaselineTable.Arn}/stream/*"}), (name, on)
            granted |= reads
        assert granted == EVENT_SOURCE_NEEDS[kind], (name, sorted(EVENT_SOURCE_NEEDS[kind] - granted))


def test_only_the_webhook_and_public_routes_skip_the_cognito_authorizer() -> None:
    api = TEMPLATE.resources["CaselineApi"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "VictimAuthorizer"
    unauthenticated = sorted(p["Path"] for _, p in _events("Api") if p.get("Auth", {}).get("Authorizer") == "NONE")
    # The webhook has its own signature check; the OpenAPI document and the public articles hold no one's data;
    # reporting a crime must work without an account (rate-limited per address, honeypot, idempotency key), and
    # so must creating one (rate-limited per address; the same answer for every address: ADR 0014).
    assert unauthenticated == [
        "/v1/accounts",
        "/v1/accounts/confirmation",
        "/v1/articles",
        "/v1/articles/{slug}",
        "/v1/openapi.json",
        "/v1/reports",
        "/v1/webhooks/{force_id}",
    ]


@pytest.mark.parametrize(("name", "props"), _events("DynamoDB"))
def test_every_stream_consumer_is_bounded_and_dead_lettered(name: str, props: dict[str, Any]) -> None:
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 0 < props["MaximumRetryAttempts"] <= 10
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 < props["MaximumRecordAgeInSeconds"] <= 86400
    destination = props["DestinationConfig"]["OnFailure"]
    assert destination["Type"] == "SQS"
    queue = destination["Destination"]["Fn::GetAtt"][0]
    assert TEMPLATE.resources[queue]["Properties"]["SqsManagedSseEnabled"] is True
    alarms = TEMPLATE.of_type("AWS::CloudWatch::Alarm").values()
    assert any(queue in json.dumps(alarm["Properties"]["Dimensions"]) for alarm in alarms), f"no alarm on {queue}"
    assert props["FilterCriteria"]["Filters"], "stream consumers must filter to the items they handle"


def test_user_pool_client_hides_user_existence_and_revokes_tokens() -> None:
    client = TEMPLATE.resources["VictimUserPoolClient"]["Properties"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is True
    assert client["GenerateSecret"] is False
    # SRP only: the password never leaves the browser (no USER_PASSWORD_AUTH, no custom or admin flows)
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["AccessTokenValidity"] <= 60 and client["TokenValidityUnits"]["AccessToken"] == "minutes"
    # The staff pool's client too: the portal's staff sign-in page signs in by SRP only
    staff = TEMPLATE.resources["StaffUserPoolClient"]["Properties"]
    assert staff["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def test_user_pool_wants_long_passwords_and_the_portal_says_so() -> None:
    policy = TEMPLATE.resources["VictimUserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 12
    # Length, not composition rules (NCSC guidance): a few ordinary words make a strong password.
    assert not any(policy[k] for k in ("RequireLowercase", "RequireNumbers", "RequireSymbols", "RequireUppercase"))
    script = (ROOT / "portal" / "src" / "js" / "pages" / "create-account.js").read_text()
    assert f"export const PASSWORD_MIN_LENGTH = {policy['MinimumLength']}\n" in script
    for page in ("create-account.html", "reset-password.html"):
        hint = (ROOT / "portal" / "src" / "pages" / page).read_text()
        assert f"At least {policy['MinimumLength']} characters" in hint, page


def test_user_pool_emails_go_through_the_deployments_own_ses_identity() -> None:
    email = TEMPLATE.resources["VictimUserPool"]["Properties"]["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"  # not Cognito's sender: 50 emails a day for the whole pool
    assert email["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${EmailIdentity}"
    }
    assert TEMPLATE.resources["EmailIdentity"]["Properties"]["EmailIdentity"] == {"Ref": "EmailDomain"}
    assert email["From"] == {"Fn::Sub": "Caseline <no-reply@${EmailDomain}>"}


def test_user_pool_threat_protection_is_a_parameter_that_audits_by_default() -> None:
    parameter = TEMPLATE.body["Parameters"]["CognitoThreatProtection"]
    assert parameter["Default"] == "AUDIT"
    assert parameter["AllowedValues"] == ["OFF", "AUDIT", "ENFORCED"]
    add_ons = TEMPLATE.resources["VictimUserPool"]["Properties"]["UserPoolAddOns"]
    assert add_ons == {"AdvancedSecurityMode": {"Ref": "CognitoThreatProtection"}}
    assert TEMPLATE.resolve(add_ons) == {"AdvancedSecurityMode": "AUDIT"}


def test_functions_log_nothing_by_default_that_could_hold_personal_data() -> None:
    variables = TEMPLATE.globals_function["Environment"]["Variables"]
    assert variables["POWERTOOLS_LOGGER_LOG_EVENT"] == "false"
    for name, spec in TEMPLATE.of_type("AWS::Logs::LogGroup").items():
        assert spec["Properties"]["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}, name


@pytest.mark.parametrize(("name", "props"), _events("SQS"))
def test_every_queue_consumer_reports_partial_failures_and_its_queue_dead_letters(
    name: str, props: dict[str, Any]
) -> None:
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queue = TEMPLATE.resources[props["Queue"]["Fn::GetAtt"][0]]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["VisibilityTimeout"] >= 6 * TEMPLATE.globals_function["Timeout"]  # AWS's guidance for SQS sources
    dead_letter = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert 1 < queue["RedrivePolicy"]["maxReceiveCount"] <= 50
    alarms = TEMPLATE.of_type("AWS::CloudWatch::Alarm").values()
    assert any(dead_letter in json.dumps(alarm["Properties"]["Dimensions"]) for alarm in alarms)


# ------------------------------------------------------------------ confused deputy
def _service_grants(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Every statement (or Lambda permission) in a template that grants something to an AWS service principal."""
    found: list[tuple[str, str, dict[str, Any]]] = []

    def walk(resource: str, node: Any) -> None:
        if isinstance(node, dict):
            principal = node.get("Principal")
            if isinstance(principal, dict) and "Service" in principal:
                found.append((resource, node.get("Sid", "?"), node.get("Condition", {})))
            for value in node.values():
                walk(resource, value)
        elif isinstance(node, list):
            for value in node:
                walk(resource, value)

    for name, spec in Template.read(path, region="eu-west-2").resources.items():
        properties = spec.get("Properties", {})
        if spec["Type"] == "AWS::Lambda::Permission" and str(properties["Principal"]).endswith(".amazonaws.com"):
            conditions = {"StringEquals": {"aws:SourceAccount": properties.get("SourceAccount")}}
            if "SourceArn" in properties:
                conditions["ArnLike"] = {"aws:SourceArn": properties["SourceArn"]}
            found.append((name, "LambdaPermission", conditions))
        elif spec["Type"] == "AWS::IAM::Role":
            # A function's execution role trusts Lambda to assume it; only a function of this account can be
            # given it (iam:PassRole here), so there is no other account's deputy. Its policies are walked.
            walk(name, properties.get("Policies", []))
        else:
            walk(name, properties)
    return found


SERVICE_GRANTS = [
    (f"{path.relative_to(ROOT)}:{resource}:{sid}", conditions)
    for path in (ROOT / "template.yaml", ROOT / "infra" / "force.yaml", ROOT / "infra" / "portal.yaml")
    for resource, sid, conditions in _service_grants(path)
]


def _keys(conditions: dict[str, Any]) -> dict[str, Any]:
    """Condition keys (case-insensitive, as IAM reads them) -> their values, whatever the operator."""
    return {key.lower(): value for operator in conditions.values() for key, value in operator.items()}


def test_every_service_principal_grant_is_listed_here() -> None:
    # A new grant to a service must be added here knowingly, and then meets the test below.
    assert sorted(name for name, _ in SERVICE_GRANTS) == [
        "infra/portal.yaml:PortalBucketPolicy:OnlyThisDistributionReads",
        "infra/portal.yaml:PortalLogBucketPolicy:S3ServerAccessLogs",
        "template.yaml:DataKey:CloudWatchAlarmsPublishToTopic",
        "template.yaml:DataKey:CloudWatchLogsEncryptLogGroups",
        "template.yaml:DataKey:SesPublishesDeliveryEvents",
        "template.yaml:DeliveryEventsQueuePolicy:DeliveryEventsTopicSends",
        "template.yaml:DeliveryEventsTopicPolicy:SesPublishesDeliveryEvents",
        "template.yaml:SignInPermission:LambdaPermission",
    ]


@pytest.mark.parametrize(("name", "conditions"), SERVICE_GRANTS, ids=[name for name, _ in SERVICE_GRANTS])
def test_every_service_principal_acts_only_for_this_account(name: str, conditions: dict[str, Any]) -> None:
    """Confused deputy: a service may use the grant only on behalf of this account's own resources."""
    keys = _keys(conditions)
    account = {"Ref": "AWS::AccountId"}
    if "aws:sourceaccount" in keys:
        assert keys["aws:sourceaccount"] == account, name
    elif "aws:sourcearn" in keys:
        # AWS's guidance: a source ARN that names the account (a CloudFront distribution's does) is enough alone.
        assert "${AWS::AccountId}" in json.dumps(keys["aws:sourcearn"]), name
    else:
        # CloudWatch Logs calls KMS with the log group's ARN as encryption context rather than a source account.
        context = json.dumps(keys.get("kms:encryptioncontext:aws:logs:arn"))
        assert "${AWS::AccountId}:log-group:" in context, f"{name} has no aws:SourceAccount / aws:SourceArn condition"


def test_the_portal_address_is_never_longer_than_the_sms_budgets_were_checked_with() -> None:
    from tools.template_report import PORTAL_URL_MAX_LENGTH

    spec = TEMPLATE.body["Parameters"]["PortalUrl"]
    assert spec["MaxLength"] == PORTAL_URL_MAX_LENGTH
    assert spec["AllowedPattern"].startswith("^https://")
    assert len(spec["Default"]) <= PORTAL_URL_MAX_LENGTH


STAFF_FEDERATION = ("StaffIdentityProvider", "StaffSignInDomain")


def test_staff_federation_exists_only_when_a_force_names_its_identity_provider() -> None:
    """ADR 0019: the identity provider, the hosted UI domain and the client's OAuth settings are conditional on
    StaffIdentityProviderType; by default (none) the staff pool has passwords (SRP) and two-step codes only."""
    conditions = TEMPLATE.body["Conditions"]
    assert conditions["StaffFederated"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "StaffIdentityProviderType"}, "none"]}]}
    for name in STAFF_FEDERATION:
        assert TEMPLATE.resources[name]["Condition"] == "StaffFederated", name
        assert TEMPLATE.resources[name]["Properties"]["UserPoolId"] == {"Ref": "StaffUserPool"}
    # Nothing else in the stack is an identity provider or a hosted UI domain (the victims' pool has neither)
    assert sorted(TEMPLATE.of_type("AWS::Cognito::UserPoolIdentityProvider")) == ["StaffIdentityProvider"]
    assert sorted(TEMPLATE.of_type("AWS::Cognito::UserPoolDomain")) == ["StaffSignInDomain"]
    assert TEMPLATE.parameters["StaffIdentityProviderType"] == "none"
    assert not TEMPLATE.condition("StaffFederated")

    client = TEMPLATE.resources["StaffUserPoolClient"]["Properties"]
    oauth = ("AllowedOAuthFlowsUserPoolClient", "AllowedOAuthFlows", "AllowedOAuthScopes", "CallbackURLs")
    oauth += ("LogoutURLs", "SupportedIdentityProviders")
    for key in oauth:
        assert client[key]["Fn::If"][0] == "StaffFederated" and client[key]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    assert TEMPLATE.resolve({key: client[key] for key in oauth}) == {}  # not federated: no OAuth settings at all
    federated = Template.read(
        ROOT / "template.yaml",
        region="eu-west-2",
        overrides={"Environment": "test", "StaffIdentityProviderType": "OIDC", "PortalUrl": "https://c.example.org"},
    )
    federated.physical["StaffIdentityProvider"] = {"Ref": "ForceAccount"}
    federated.physical["StaffUserPool"] = {"Ref": "eu-west-2_staff"}
    resolved = federated.resolve(client)
    assert resolved["AllowedOAuthFlows"] == ["code"]  # the code flow (the portal adds PKCE), never implicit
    assert resolved["CallbackURLs"] == resolved["LogoutURLs"] == ["https://c.example.org/staff-sign-in.html"]
    assert resolved["SupportedIdentityProviders"] == ["ForceAccount"]  # no hosted password form
    assert resolved["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    # The portal may then fetch the hosted UI's token endpoint (its CSP's connect-src), and only then
    federated.physical["StaffSignInDomain"] = {"Ref": "caseline-test-staff"}
    hosted = "https://caseline-test-staff.auth.eu-west-2.amazoncognito.com;"
    csp = {h.name: h.value for h in response_headers(federated)}["Content-Security-Policy"]
    assert f"connect-src 'self' https://cognito-idp.eu-west-2.amazonaws.com {hosted}" in csp
    assert hosted not in {h.name: h.value for h in response_headers(TEMPLATE)}["Content-Security-Policy"]


def test_the_staff_identity_provider_s_secret_is_never_a_parameter_value() -> None:
    parameters = TEMPLATE.body["Parameters"]
    for name in (p for p in parameters if p.startswith("StaffIdentityProvider")):
        assert "Secret" not in name or name.endswith("SecretArn"), name
        assert parameters[name].get("NoEcho") is None  # nothing secret to hide: the secret is in Secrets Manager
    details = TEMPLATE.resources["StaffIdentityProvider"]["Properties"]["ProviderDetails"]["Fn::If"]
    assert details[1]["client_secret"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${StaffIdentityProviderSecretArn}:SecretString}}"
    }
    assert parameters["StaffIdentityProviderSecretArn"]["Default"] == ""


def test_staff_two_step_codes_are_required_unless_a_deployment_says_otherwise() -> None:
    parameter = TEMPLATE.body["Parameters"]["StaffMfa"]
    assert parameter["Default"] == "ON" and parameter["AllowedValues"] == ["ON", "OPTIONAL"]
    pool = TEMPLATE.resolve(TEMPLATE.resources["StaffUserPool"]["Properties"])
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
