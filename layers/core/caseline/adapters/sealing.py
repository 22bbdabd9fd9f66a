"""Field-level encryption with the table's KMS key: a report's personal fields, and one-time access codes.

Each report ciphertext is bound to the encryption context ``{force, report}``: a sealed value copied onto
another report, or opened with the wrong force, does not decrypt. KMS encrypts at most 4 KiB at a time, so
the JSON document is sealed in chunks (a report body is at most 16 KiB).

An access code waiting on its outbox message is bound to ``{force, case, message}``, the message being a
SHA-256 of the key of the message a fallback stands in for (``records.original_key``), so a fallback opens
its original's seal, and CloudTrail, which logs each context, never shows a template name (which can name
the crime) or a victim id. The IAM conditions in template.yaml tell the two kinds apart by their keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import StorageUnavailableError
from caseline.domain.records import original_key

_CHUNK_BYTES = 4000


class KmsFieldSealer:
    def __init__(self, kms: Any, *, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def seal(self, force_id: str, reference: str, document: dict[str, Any]) -> list[str]:
        plain = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        context = {"force": force_id, "report": reference}
        sealed = []
        try:
            for start in range(0, len(plain), _CHUNK_BYTES):
                answer = self._kms.encrypt(
                    KeyId=self._key_id, Plaintext=plain[start : start + _CHUNK_BYTES], EncryptionContext=context
                )
                sealed.append(base64.b64encode(answer["CiphertextBlob"]).decode("ascii"))
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError() from exc
        return sealed

    def open(self, force_id: str, reference: str, sealed: list[str]) -> dict[str, Any]:
        context = {"force": force_id, "report": reference}
        plain = b""
        try:
            for chunk in sealed:
                answer = self._kms.decrypt(
                    KeyId=self._key_id, CiphertextBlob=base64.b64decode(chunk), EncryptionContext=context
                )
                plain += answer["Plaintext"]
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError() from exc
        document = json.loads(plain.decode("utf-8"))
        return dict(document)


class KmsCodeSealer:
    """Seals a one-time access code for one outbox message; only dispatch may open it (kms:Decrypt).

    ``kms`` makes (or returns) the client on first use: most journey runs and delivery events carry no
    code, so their functions do not pay for a KMS client at cold start."""

    def __init__(self, kms: Callable[[], Any], *, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    @staticmethod
    def _context(force_id: str, case_id: str, message_key: str) -> dict[str, str]:
        message = hashlib.sha256(original_key(message_key).encode("utf-8")).hexdigest()
        return {"force": force_id, "case": case_id, "message": message}

    def seal_code(self, force_id: str, case_id: str, message_key: str, code: str) -> str:
        try:
            answer = self._kms().encrypt(
                KeyId=self._key_id,
                Plaintext=code.encode("ascii"),
                EncryptionContext=self._context(force_id, case_id, message_key),
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError() from exc
        return base64.b64encode(answer["CiphertextBlob"]).decode("ascii")

    def open_code(self, force_id: str, case_id: str, message_key: str, sealed: str) -> str:
        try:
            answer = self._kms().decrypt(
                KeyId=self._key_id,
                CiphertextBlob=base64.b64decode(sealed),
                EncryptionContext=self._context(force_id, case_id, message_key),
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError() from exc
        return bytes(answer["Plaintext"]).decode("ascii")
