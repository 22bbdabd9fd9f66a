"""Create every table, stream, queue, topic, user pool, client, identity and secret the template declares.

Resources are created in dependency order by retrying those whose inputs are not ready yet.
Secrets with ``GenerateSecretString`` get fresh random values on every run (from Secrets Manager's
``GetRandomPassword``, given the template's options): nothing is committed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from caseline_local.template import ACCOUNT_ID, NotReadyError, Template

# Resources that are not AWS state to create: the gateway, workers and pollers stand in for them.
SERVED_LOCALLY = frozenset(
    {
        "AWS::Serverless::Function",
        "AWS::Serverless::Api",
        "AWS::Serverless::LayerVersion",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::Lambda::Permission",  # the gateway's Cognito proxy invokes the trigger's worker itself
        "AWS::IAM::Role",  # moto enforces no IAM (tests/functional/test_iam_coverage.py checks it)
        "AWS::IAM::RolePolicy",
        "AWS::WAFv2::WebACL",  # no edge locally: tests/functional/test_waf_contract.py reads the rules instead
        "AWS::WAFv2::WebACLAssociation",
    }
)
# A nested stack made only of these is the portal's hosting (infra/portal.yaml): the gateway stands in for it,
# serving portal/ with that stack's response headers policy. Any other nested stack is refused.
SERVED_BY_GATEWAY = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::OriginAccessControl",
        "AWS::CloudFront::ResponseHeadersPolicy",
    }
)


def provision_stack(
    root: Path,
    session: boto3.session.Session,
    *,
    region: str,
    parameters: dict[str, Any],
    outbound_urls: dict[str, str] | None = None,
) -> tuple[Template, list[Template]]:
    """The main stack from template.yaml, then one infra/force.yaml stack per force in its Forces list.

    ``outbound_urls`` says where each force receives outbound events (the local stack runs receivers).
    """
    main = Template.read(root / "template.yaml", region=region, overrides=parameters)
    Provisioner(main, session).create_all()
    forces = []
    for force_id in main.parameters["Forces"]:
        force = Template.read(
            root / "infra" / "force.yaml",
            region=region,
            overrides={
                "Environment": main.parameters["Environment"],
                "ForceId": force_id,
                "DataKeyArn": main.physical["DataKey"]["Arn"],
                "OutboundUrl": (outbound_urls or {}).get(force_id, "http://127.0.0.1:9/no-receiver"),
            },
        )
        force.stack_name = f"{main.stack_name}-force-{force_id}"
        Provisioner(force, session).create_all()
        forces.append(force)
    return main, forces


@functools.cache
def _client(session: boto3.session.Session, service: str) -> Any:
    """One client per session and service, kept across provisionings: building a client costs more than
    most calls (the functional tests provision a fresh moto account for each test with one session)."""
    return session.client(service)  # type: ignore[call-overload]


class Provisioner:
    def __init__(self, template: Template, session: boto3.session.Session) -> None:
        self.template = template
        self.session = session
        self._creators: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
            "AWS::KMS::Key": self._kms_key,
            "AWS::DynamoDB::Table": self._table,
            "AWS::SecretsManager::Secret": self._secret,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::SES::EmailIdentity": self._email_identity,
            "AWS::SNS::Topic": self._topic,
            "AWS::SNS::TopicPolicy": self._topic_policy,
            "AWS::SNS::Subscription": self._subscription,
            "AWS::SQS::Queue": self._queue,
            "AWS::SQS::QueuePolicy": self._queue_policy,
            "AWS::SES::ConfigurationSet": self._configuration_set,
            "AWS::SES::ConfigurationSetEventDestination": self._event_destination,
        }

    def create_all(self) -> dict[str, dict[str, Any]]:
        pending = {
            name: spec
            for name, spec in self.template.resources.items()
            if spec.get("Type") not in SERVED_LOCALLY
            and ("Condition" not in spec or self.template.condition(spec["Condition"]))
        }
        for name, spec in list(pending.items()):
            if spec.get("Type") == "AWS::CloudFormation::Stack":
                self.template.physical[name] = self._nested_stack(name, spec["Properties"])
                del pending[name]
        unknown = sorted({spec["Type"] for spec in pending.values()} - set(self._creators))
        if unknown:
            raise RuntimeError(f"the local stack cannot create resource types {unknown}")
        # Functions first: a user pool's triggers name them (LambdaConfig), and a function's name and ARN
        # depend on nothing created here.
        for name, spec in self.template.resources.items():
            if spec.get("Type") == "AWS::Serverless::Function":
                function_name = f"{self.template.stack_name}-{name}"
                arn = f"arn:aws:lambda:{self.template.region}:{ACCOUNT_ID}:function:{function_name}"
                self.template.physical[name] = {"Ref": function_name, "Arn": arn}
        while pending:
            progressed = False
            for name, spec in list(pending.items()):
                try:
                    properties = self.template.resolve(spec.get("Properties", {}))
                except NotReadyError:
                    continue
                self.template.physical[name] = self._creators[spec["Type"]](name, properties)
                del pending[name]
                progressed = True
            if not progressed:
                raise RuntimeError(f"circular or unsatisfiable references among {sorted(pending)}")
        return self.template.physical

    def client(self, service: str) -> Any:
        return _client(self.session, service)

    # ------------------------------------------------------------ creators
    def _nested_stack(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        """Not created: checked to be the portal's hosting, which the gateway serves (its parameters may
        name the API, which has no physical id here, so they are not resolved)."""
        nested = Template.read(self.template.path.parent / props["TemplateURL"], region=self.template.region)
        kinds = {str(spec.get("Type")) for spec in nested.resources.values()}
        if not kinds <= SERVED_BY_GATEWAY:
            raise RuntimeError(f"the local stack cannot serve nested stack {name}: {sorted(kinds - SERVED_BY_GATEWAY)}")
        region, stack_name = self.template.region, f"{self.template.stack_name}-{name}"
        return {"Ref": f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{stack_name}/local"}

    def _kms_key(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        request = {"Description": props.get("Description", name)}
        request |= {k: props[k] for k in ("KeySpec", "KeyUsage") if k in props}  # an HMAC key too
        meta = self.client("kms").create_key(**request)["KeyMetadata"]
        return {"Ref": meta["KeyId"], "Arn": meta["Arn"], "KeyId": meta["KeyId"]}

    def _table(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        ddb = self.client("dynamodb")
        request: dict[str, Any] = {
            "TableName": props["TableName"],
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        sse = props.get("SSESpecification")
        if sse and sse.get("SSEEnabled"):
            request["SSESpecification"] = {"Enabled": True, "SSEType": sse.get("SSEType", "KMS")}
            if sse.get("KMSMasterKeyId"):
                request["SSESpecification"]["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
        table = ddb.create_table(**request)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            ddb.update_time_to_live(
                TableName=props["TableName"],
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            ddb.update_continuous_backups(
                TableName=props["TableName"],
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        return {"Ref": table["TableName"], "Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn")}

    def _secret(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        value = props.get("SecretString")
        generate = props.get("GenerateSecretString")
        if generate:  # Secrets Manager's own generator (moto's), given the template's options
            options = {k: v for k, v in generate.items() if k not in {"SecretStringTemplate", "GenerateStringKey"}}
            generated = self.client("secretsmanager").get_random_password(**options)["RandomPassword"]
            if generate.get("GenerateStringKey"):
                document = json.loads(generate.get("SecretStringTemplate", "{}"))
                document[generate["GenerateStringKey"]] = generated
                value = json.dumps(document)
            else:
                value = generated
        request: dict[str, Any] = {"Name": props["Name"], "SecretString": value or ""}
        if props.get("Description"):
            request["Description"] = props["Description"]
        arn = self.client("secretsmanager").create_secret(**request)["ARN"]
        return {"Ref": arn, "Id": arn}

    def _user_pool(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        request = {k: v for k, v in props.items() if k not in {"UserPoolName", "EnabledMfas", "DeletionProtection"}}
        request["PoolName"] = props["UserPoolName"]
        pool = self.client("cognito-idp").create_user_pool(**request)["UserPool"]
        provider = f"cognito-idp.{self.template.region}.amazonaws.com/{pool['Id']}"
        return {"Ref": pool["Id"], "Arn": pool["Arn"], "ProviderName": provider, "UserPoolId": pool["Id"]}

    def _user_pool_client(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        created = self.client("cognito-idp").create_user_pool_client(**props)["UserPoolClient"]
        return {"Ref": created["ClientId"], "ClientId": created["ClientId"], "UserPoolId": props["UserPoolId"]}

    def _email_identity(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        identity = props["EmailIdentity"]
        ses = self.client("ses")
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
        return {"Ref": identity}

    def _topic(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        attributes = {"KmsMasterKeyId": props["KmsMasterKeyId"]} if props.get("KmsMasterKeyId") else {}
        arn = self.client("sns").create_topic(Name=props.get("TopicName", name), Attributes=attributes)["TopicArn"]
        return {"Ref": arn, "TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]}

    def _queue(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        sqs = self.client("sqs")
        attributes = {
            key: json.dumps(value)
            if isinstance(value, dict)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
            for key, value in props.items()
            if key not in {"QueueName", "Tags"}
        }
        url = sqs.create_queue(QueueName=props.get("QueueName", name), Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return {"Ref": url, "Arn": arn, "QueueName": props.get("QueueName", name), "QueueUrl": url}

    def _topic_policy(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        for topic_arn in props["Topics"]:
            self.client("sns").set_topic_attributes(
                TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(props["PolicyDocument"])
            )
        return {"Ref": name}

    def _subscription(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        attributes = {
            key: json.dumps(props[key]) if isinstance(props[key], dict) else str(props[key]).lower()
            for key in ("RawMessageDelivery", "FilterPolicy", "RedrivePolicy")
            if key in props
        }
        arn = self.client("sns").subscribe(
            TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"], Attributes=attributes
        )["SubscriptionArn"]
        return {"Ref": arn, "Arn": arn}

    def _queue_policy(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        for url in props["Queues"]:
            self.client("sqs").set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
            )
        return {"Ref": name}

    def _configuration_set(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        set_name = props.get("Name", name)
        self.client("ses").create_configuration_set(ConfigurationSet={"Name": set_name})
        return {"Ref": set_name}

    def _event_destination(self, name: str, props: dict[str, Any]) -> dict[str, Any]:
        """SES v1 names the topic ``SNSDestination`` where CloudFormation says ``SnsDestination``."""
        spec = props["EventDestination"]
        destination: dict[str, Any] = {
            "Name": spec["Name"],
            "Enabled": bool(spec.get("Enabled", False)),
            "MatchingEventTypes": spec["MatchingEventTypes"],
        }
        if "SnsDestination" in spec:
            destination["SNSDestination"] = {"TopicARN": spec["SnsDestination"]["TopicARN"]}
        self.client("ses").create_configuration_set_event_destination(
            ConfigurationSetName=props["ConfigurationSetName"], EventDestination=destination
        )
        return {"Ref": f"{props['ConfigurationSetName']}:{spec['Name']}"}
