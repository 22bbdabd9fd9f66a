"""Session-wide test environment: fake credentials, a test table name, never a real AWS endpoint."""

from __future__ import annotations

import os

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
    "CASELINE_ENVIRONMENT": "test",
    "TABLE_NAME": "caseline-test",
    "FORCES": "thames-valley,hampshire",
    "WEBHOOK_SECRET_PREFIX": "caseline/test/webhook/",
    "OUTBOUND_SECRET_PREFIX": "caseline/test/outbound/",
    # moto's queue URL for the template's OutboundQueue with Environment=test (checked in test_outbound)
    "OUTBOUND_QUEUE_URL": "https://sqs.eu-west-2.amazonaws.com/123456789012/caseline-test-outbound",
    "EMAIL_FROM": "no-reply@caseline.example.org",
    "PORTAL_URL": "https://portal.example.org",
    # Outside CASELINE_ENVIRONMENT=local a function fails on reading an unset variable: these stand in until
    # the functional tests' ``aws`` fixture names this run's own pool and keys (and puts these back after).
    "USER_POOL_ID": "eu-west-2_NotProvisioned",
    "USER_POOL_CLIENT_ID": "not-provisioned",
    "SIGN_UP_SECRET_ID": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:not-provisioned",
    "DATA_KEY_ID": "arn:aws:kms:eu-west-2:123456789012:key/not-provisioned",
    "REPORT_RATE_KEY_ID": "arn:aws:kms:eu-west-2:123456789012:key/not-provisioned-hmac",
    "POWERTOOLS_SERVICE_NAME": "caseline-tests",
    "POWERTOOLS_METRICS_NAMESPACE": "Caseline",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
    # moto matches the regional hosts only; botocore would otherwise use account-id endpoints for ARNs.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
os.environ.update(TEST_ENV)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
