"""Settings: local defaults only under CASELINE_ENVIRONMENT=local; anywhere else a missing variable is an error."""

from __future__ import annotations

import pytest

from caseline.config import LOCAL_DEFAULTS, SettingsError, load_settings

DEPLOYED = {
    "CASELINE_ENVIRONMENT": "prod",
    "AWS_REGION": "eu-west-2",
    "TABLE_NAME": "caseline-prod",
    "FORCES": "thames-valley, hampshire",
}


def test_the_local_stack_gets_the_local_defaults() -> None:
    settings = load_settings({"CASELINE_ENVIRONMENT": "local"})
    assert settings.local
    assert (settings.table_name, settings.region, settings.forces) == (
        "caseline-local",
        "eu-west-2",
        ("thames-valley", "hampshire"),
    )
    assert settings.portal_url == "http://127.0.0.1:8080"
    assert settings.webhook_secret_prefix == "caseline/local/webhook/"
    assert settings.outbound_secret_prefix == "caseline/local/outbound/"
    assert settings.email_from == "no-reply@caseline.example.org"
    assert (settings.data_key_id, settings.report_rate_key_id, settings.user_pool_id) == ("", "", "")
    assert (settings.endpoint_url, settings.ses_configuration_set, settings.xray_sdk) == (None, None, False)


def test_the_local_stack_sets_what_it_has_over_the_defaults() -> None:
    settings = load_settings({"CASELINE_ENVIRONMENT": "local", "TABLE_NAME": "mine", "DATA_KEY_ID": "key"})
    assert (settings.table_name, settings.data_key_id) == ("mine", "key")


def test_a_deployed_function_reads_what_the_template_gives_it() -> None:
    settings = load_settings({**DEPLOYED, "EMAIL_FROM": "no-reply@example.org", "SES_CONFIGURATION_SET": "set"})
    assert not settings.local
    assert (settings.environment, settings.table_name) == ("prod", "caseline-prod")
    assert settings.forces == ("thames-valley", "hampshire")
    assert (settings.email_from, settings.ses_configuration_set) == ("no-reply@example.org", "set")


@pytest.mark.parametrize("name", ["CASELINE_ENVIRONMENT", "AWS_REGION", "TABLE_NAME", "FORCES"])
@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_variable_every_function_gets_is_required_when_deployed(name: str, value: str | None) -> None:
    env = {k: v for k, v in DEPLOYED.items() if k != name} | ({} if value is None else {name: value})
    with pytest.raises(SettingsError, match=f"Missing environment variable {name} "):
        load_settings(env)


def test_every_missing_variable_is_named_at_once() -> None:
    with pytest.raises(SettingsError, match="variables TABLE_NAME, FORCES "):
        load_settings({"CASELINE_ENVIRONMENT": "prod", "AWS_REGION": "eu-west-2", "FORCES": " , "})


def test_no_environment_is_not_local() -> None:
    """A function without CASELINE_ENVIRONMENT gets no local defaults: nothing says the stack is local."""
    with pytest.raises(SettingsError) as raised:
        load_settings({})
    assert "CASELINE_ENVIRONMENT, AWS_REGION, TABLE_NAME, FORCES" in str(raised.value)


def test_the_default_region_stands_in_for_the_region() -> None:
    env = {k: v for k, v in DEPLOYED.items() if k != "AWS_REGION"} | {"AWS_DEFAULT_REGION": "eu-west-1"}
    assert load_settings(env).region == "eu-west-1"


@pytest.mark.parametrize("name", sorted(set(LOCAL_DEFAULTS) - set(DEPLOYED)))
@pytest.mark.parametrize("value", [None, ""])
def test_a_variable_some_functions_get_fails_when_read_unset(name: str, value: str | None) -> None:
    settings = load_settings(DEPLOYED | ({} if value is None else {name: value}))  # the function starts...
    attribute = name.lower()
    with pytest.raises(SettingsError, match=f"^{name} is not set \\(CASELINE_ENVIRONMENT='prod'\\)"):
        getattr(settings, attribute)  # ...and stops where it reads one that it was not given
    assert getattr(load_settings(DEPLOYED | {name: "set"}), attribute) == "set"


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("TRUE", True), ("false", False), ("", False)])
def test_the_xray_flag(value: str, expected: bool) -> None:
    assert load_settings(DEPLOYED | {"CASELINE_XRAY_SDK": value}).xray_sdk is expected


def test_a_mistyped_flag_is_refused() -> None:
    with pytest.raises(SettingsError, match="CASELINE_XRAY_SDK must be 'true' or 'false', not 'yes'"):
        load_settings(DEPLOYED | {"CASELINE_XRAY_SDK": "yes"})
