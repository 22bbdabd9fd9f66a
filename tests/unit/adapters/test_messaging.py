"""The SMS adapter texts UK mobiles only, before any call to SNS."""

from __future__ import annotations

from typing import Any

import pytest

from caseline.adapters.messaging import SnsSmsSender
from caseline.domain.contact import is_uk_mobile
from caseline.domain.errors import DeliveryRejectedError, PermanentError, SmsDestinationRefusedError


class RecordingSns:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> dict[str, str]:
        self.published.append(request)
        return {"MessageId": f"sms-{len(self.published)}"}


def test_a_uk_mobile_is_texted() -> None:
    sns = RecordingSns()
    message_id = SnsSmsSender(sns).send_sms(to="+447700900123", text="An update on your case", force_id="kent")
    assert message_id == "sms-1"
    assert [r["PhoneNumber"] for r in sns.published] == ["+447700900123"]


@pytest.mark.parametrize(
    "number",
    [
        "+447700900",  # too short
        "+4477009001234",  # too long
        "+442079460123",  # UK landline
        "+61491570156",  # Australian mobile (a number reserved for fiction)
        "+12025550123",  # North American (555-01xx: fictional)
        "07700900123",  # national format, not E.164
        "+447700900123\n",  # trailing newline
        " +447700900123",
        "",
    ],
)
def test_any_other_number_is_refused_permanently_and_sns_is_never_called(number: str) -> None:
    sns = RecordingSns()
    with pytest.raises(SmsDestinationRefusedError) as refused:
        SnsSmsSender(sns).send_sms(to=number, text="An update on your case", force_id="kent")
    # Not retryable: dispatch treats it as a rejected delivery (falls back to another channel or tells the officer)
    assert isinstance(refused.value, DeliveryRejectedError) and isinstance(refused.value, PermanentError)
    assert refused.value.retryable is False
    if number.strip():
        assert number.strip() not in str(refused.value)  # the number is never in the error text
    assert sns.published == []


def test_the_rule_is_the_one_events_are_validated_with() -> None:
    from pydantic import TypeAdapter

    from caseline.domain.events import UkMobile

    adapter = TypeAdapter(UkMobile)
    for number in ("+447700900123", "+442079460123", "+447700900123\n", "07700900123"):
        try:
            adapter.validate_python(number)
            valid = True
        except ValueError:
            valid = False
        assert valid == is_uk_mobile(number), number
