"""Keyed hashes of the addresses the report limits count (client networks, email addresses, mobiles).

An HMAC-SHA-256 computed by KMS (``GenerateMac``) with the deployment's own HMAC key (``ReportRateKey``
in template.yaml): the key never leaves KMS and is never in the repository, so a stored counter key cannot
be reversed by hashing every IPv4 address or a list of phone numbers, and it differs between deployments
(and between test runs, which create their own key).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import StorageUnavailableError

_KEY_HEX = 32  # 128 bits of the MAC: enough to keep counters apart


class KmsAddressKeyer:
    def __init__(self, kms: Any, *, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def key(self, purpose: str, value: str) -> str:
        try:
            answer = self._kms.generate_mac(
                KeyId=self._key_id, Message=f"{purpose}:{value}".encode(), MacAlgorithm="HMAC_SHA_256"
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError() from exc
        mac: bytes = answer["Mac"]
        return mac.hex()[:_KEY_HEX]
