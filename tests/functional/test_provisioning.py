"""The local stack's provisioner creates, in moto, exactly what template.yaml declares."""

from __future__ import annotations

import json

import boto3

from caseline_local.template import Template

from .conftest import REGION


def test_table_has_the_designed_keys_index_stream_and_ttl(aws: Template) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    table = ddb.describe_table(TableName="caseline-test")["Table"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ttl = ddb.describe_time_to_live(TableName="caseline-test")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_each_run_generates_fresh_secrets_of_the_declared_shape(aws: Template) -> None:
    client = boto3.client("secretsmanager", region_name=REGION)
    values = [
        json.loads(client.get_secret_value(SecretId=f"caseline/test/webhook/{force}")["SecretString"])
        for force in ("thames-valley", "hampshire")
    ]
    assert all(len(v["current"]) == 48 and v["previous"] == "" for v in values)
    assert values[0]["current"] != values[1]["current"]


def test_user_pool_and_client_are_created_and_referenced(aws: Template) -> None:
    pool_id = aws.physical["VictimUserPool"]["Ref"]
    client = boto3.client("cognito-idp", region_name=REGION).describe_user_pool_client(
        UserPoolId=pool_id, ClientId=aws.physical["VictimUserPoolClient"]["Ref"]
    )["UserPoolClient"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]  # SRP only


def test_queues_and_verified_email_domain_exist(aws: Template) -> None:
    urls = boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]
    assert sorted(u.rsplit("/", 1)[1] for u in urls) == [
        "caseline-test-delivery-events",
        "caseline-test-delivery-events-dlq",
        "caseline-test-dispatch-dlq",
        "caseline-test-duty-sweep-dlq",
        "caseline-test-journeys-dlq",
        "caseline-test-outbound",
        "caseline-test-outbound-dlq",
    ]
    identities = boto3.client("ses", region_name=REGION).list_identities()["Identities"]
    assert identities == ["caseline.example.org"]


def test_the_functions_that_seal_and_open_access_codes_get_the_stacks_data_key(aws: Template) -> None:
    """The local stack gives each function the template's variables: the sealing functions' DATA_KEY_ID is
    the moto key the provisioner made, and it is enabled (ADR 0012)."""
    key_arn = aws.physical["DataKey"]["Arn"]
    for function in ("JourneysFunction", "DispatchFunction", "DeliveryEventsFunction"):
        variables = aws.resources[function]["Properties"]["Environment"]["Variables"]
        assert aws.resolve(variables["DATA_KEY_ID"]) == key_arn, function
    kms = boto3.client("kms", region_name=REGION)
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["Enabled"] is True
