"""moto's key material made once per process (moto_fixes item 10): keys still work as before."""

from __future__ import annotations

import boto3
import jwt
from moto import mock_aws
from moto.kms import models as kms_models
from moto.utilities.utils import load_resource

from caseline_local import moto_fixes


def test_symmetric_kms_keys_share_one_rsa_key_and_still_encrypt_apart() -> None:
    moto_fixes.cache_keys()
    with mock_aws():
        kms = boto3.client("kms", region_name="eu-west-2")
        first, second = (kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(2))
        mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        backend = kms_models.kms_backends["123456789012"]["eu-west-2"]
        # No new RSA key per symmetric or HMAC key...
        assert backend.keys[first].private_key is backend.keys[second].private_key is backend.keys[mac].private_key
        # ...and each key still has its own material: one cannot open what the other sealed
        sealed = kms.encrypt(KeyId=first, Plaintext=b"secret")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"secret"
        assert backend.keys[first].key_material != backend.keys[second].key_material
        # An asymmetric key gets its own
        signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        assert backend.keys[signing].private_key is not backend.keys[first].private_key


def test_two_user_pools_issue_tokens_that_verify_with_moto_s_public_key() -> None:
    moto_fixes.cache_keys()
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name="eu-west-2")
        for name in ("victims", "staff"):
            pool = cognito.create_user_pool(PoolName=name)["UserPool"]["Id"]
            client = cognito.create_user_pool_client(
                UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
            )["UserPoolClient"]["ClientId"]
            cognito.admin_create_user(UserPoolId=pool, Username="a@example.org", MessageAction="SUPPRESS")
            cognito.admin_set_user_password(
                UserPoolId=pool, Username="a@example.org", Password="Correct-horse-42!", Permanent=True
            )
            answer = cognito.admin_initiate_auth(
                UserPoolId=pool,
                ClientId=client,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "a@example.org", "PASSWORD": "Correct-horse-42!"},
            )
            token = answer["AuthenticationResult"]["IdToken"]
            public = jwt.PyJWKSet.from_dict(load_resource("cognitoidp/resources/jwks-public.json"))
            claims = jwt.decode(token, public.keys[0].key, algorithms=["RS256"], audience=client)
            assert claims["iss"].endswith(pool)
