"""The local stack's Cognito refuses self-service recovery to an account with no verified channel, as
Cognito does (moto_fixes 10): a high-risk victim's password cannot be reset locally with a made-up code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from caseline_local import moto_fixes

PASSWORD = "a long pass phrase"


@pytest.fixture
def pool() -> Iterator[tuple[Any, str, str]]:
    moto_fixes.apply()
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="eu-west-2")
        pool_id = idp.create_user_pool(
            PoolName="victims",
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireLowercase": False,
                    "RequireNumbers": False,
                    "RequireSymbols": False,
                    "RequireUppercase": False,
                }
            },
        )["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="portal")["UserPoolClient"]["ClientId"]
        yield idp, pool_id, client_id


def account(idp: Any, pool_id: str, client_id: str, email: str, *, verified: bool) -> None:
    idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username=email, UserAttributes=[{"Name": "email_verified", "Value": str(verified).lower()}]
    )


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def test_an_account_without_a_verified_email_cannot_reset_its_password(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    account(idp, pool_id, client_id, "jordan.blake@example.org", verified=False)
    # ForgotPassword is refused as Cognito refuses it, and no made-up code resets the password
    assert error_code(lambda: idp.forgot_password(ClientId=client_id, Username="jordan.blake@example.org")) == (
        "InvalidParameterException"
    )
    confirm = lambda: idp.confirm_forgot_password(  # noqa: E731
        ClientId=client_id,
        Username="jordan.blake@example.org",
        ConfirmationCode="123456",
        Password="taken over, all of it!",
    )
    assert error_code(confirm) == "CodeMismatchException"
    # The password is still the victim's own
    auth = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "jordan.blake@example.org", "PASSWORD": PASSWORD},
    )
    assert "AuthenticationResult" in auth


def test_a_code_asked_for_before_recovery_was_taken_away_no_longer_counts(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    account(idp, pool_id, client_id, "sam.taylor@example.org", verified=True)
    idp.forgot_password(ClientId=client_id, Username="sam.taylor@example.org")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="sam.taylor@example.org",
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )
    error_code(lambda: idp.forgot_password(ClientId=client_id, Username="sam.taylor@example.org"))
    confirm = lambda: idp.confirm_forgot_password(  # noqa: E731
        ClientId=client_id,
        Username="sam.taylor@example.org",
        ConfirmationCode="123456",
        Password="taken over, all of it!",
    )
    assert error_code(confirm) == "CodeMismatchException"


def test_a_verified_account_and_an_unknown_address_are_answered_as_before(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    account(idp, pool_id, client_id, "alex.morgan@example.org", verified=True)
    for email in ("alex.morgan@example.org", "nobody@example.org"):
        answer = idp.forgot_password(ClientId=client_id, Username=email)
        assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    # Locally no email is sent, so moto still takes any code once one was sent
    idp.confirm_forgot_password(
        ClientId=client_id, Username="alex.morgan@example.org", ConfirmationCode="123456", Password="a new pass phrase"
    )


def test_confirming_a_sign_up_with_the_code_verifies_the_email_as_cognito_does(pool: tuple[Any, str, str]) -> None:
    idp, pool_id, client_id = pool
    idp.sign_up(ClientId=client_id, Username="riley.jones@example.org", Password=PASSWORD)
    idp.confirm_sign_up(ClientId=client_id, Username="riley.jones@example.org", ConfirmationCode="123456")
    user = idp.admin_get_user(UserPoolId=pool_id, Username="riley.jones@example.org")
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"
    assert idp.forgot_password(ClientId=client_id, Username="riley.jones@example.org")["CodeDeliveryDetails"]
