"""SES (email) and SNS (SMS) senders. Throttling and outages are retryable; bad addresses are not.

SMS go only to UK mobiles (``domain.contact.is_uk_mobile``): any other number is refused before SNS is
called, whatever the account's SMS settings (docs/runbook.md, "SMS spend and destinations").
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.contact import is_uk_mobile
from caseline.domain.errors import DeliveryFailedError, DeliveryRejectedError, SmsDestinationRefusedError

_PERMANENT = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "InvalidParameter",
        "InvalidParameterValue",
        "ConfigurationSetDoesNotExist",
        "OptedOut",
        "EndpointDisabled",
    }
)


def _translate(exc: ClientError) -> Exception:
    code = exc.response.get("Error", {}).get("Code", "")
    if code in _PERMANENT:
        return DeliveryRejectedError()
    return DeliveryFailedError()


class SesEmailSender:
    def __init__(self, client: Any, *, sender: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send_email(self, *, to: str, subject: str, text: str, html: str | None, force_id: str) -> str:
        body: dict[str, Any] = {"Text": {"Data": text, "Charset": "UTF-8"}}
        if html:
            body["Html"] = {"Data": html, "Charset": "UTF-8"}
        request: dict[str, Any] = {
            "Source": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Message": {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
            "Tags": [{"Name": "force", "Value": force_id}],
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            return str(self._client.send_email(**request)["MessageId"])
        except ClientError as exc:
            raise _translate(exc) from exc
        except BotoCoreError as exc:
            raise DeliveryFailedError() from exc


class SnsSmsSender:
    def __init__(self, client: Any, *, sender_id: str = "Caseline") -> None:
        self._client = client
        self._sender_id = sender_id

    def send_sms(self, *, to: str, text: str, force_id: str) -> str:
        if not is_uk_mobile(to):  # permanent: retrying cannot help; dispatch falls back or tells the officer
            raise SmsDestinationRefusedError()
        try:
            response = self._client.publish(
                PhoneNumber=to,
                Message=text,
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self._sender_id},
                },
            )
        except ClientError as exc:
            raise _translate(exc) from exc
        except BotoCoreError as exc:
            raise DeliveryFailedError() from exc
        return str(response["MessageId"])
