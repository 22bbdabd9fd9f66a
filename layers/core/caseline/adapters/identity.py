"""The victim user pool (Cognito), for the few things the API does to accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from caseline.domain.errors import StorageUnavailableError
from caseline.observability import logger

_GONE = frozenset({"UserNotFoundException"})


def cognito_call(
    call: Callable[..., Any], failure: str, expected: frozenset[str], **parameters: Any
) -> tuple[dict[str, Any] | None, str | None]:
    """``call(**parameters)``: (its answer, None), or (None, the error code) for an ``expected`` one; any other
    failure is a StorageUnavailableError saying ``failure``."""
    try:
        answer: dict[str, Any] = call(**parameters)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code"))
        if code in expected:
            return None, code
        raise StorageUnavailableError(failure) from exc
    except BotoCoreError as exc:
        raise StorageUnavailableError(failure) from exc
    return answer, None


class CognitoIdentityAdmin:
    """Give a ``client``, or a ``client_factory`` to create it on first use: only linking, listing who can
    see a case and closing an account need Cognito, so the victim API's cold start does not pay for it."""

    def __init__(
        self, client: Any = None, *, user_pool_id: str, client_factory: Callable[[], Any] | None = None
    ) -> None:
        self._given = client
        self._factory = client_factory
        self._pool = user_pool_id

    @property
    def _client(self) -> Any:
        if self._given is None and self._factory is not None:
            self._given = self._factory()
        return self._given

    def _admin(self, action: str, failure: str, user_id: str, **parameters: Any) -> dict[str, Any] | None:
        """One admin call on ``user_id``'s account; None when the account is gone, and any other failure
        a StorageUnavailableError saying ``failure``."""
        call = getattr(self._client, action)
        answer, _ = cognito_call(call, failure, _GONE, UserPoolId=self._pool, Username=user_id, **parameters)
        return answer

    def disable_self_service_recovery(self, user_id: str) -> None:
        """Cognito sends reset codes only to verified addresses: unverify them, so recovery goes via the force."""
        unverified = [{"Name": "email_verified", "Value": "false"}]
        answer = self._admin(
            "admin_update_user_attributes", "the account could not be updated", user_id, UserAttributes=unverified
        )
        if answer is None:
            logger.warning("Account not found while restricting recovery", extra={"user_id": user_id})

    def email(self, user_id: str) -> str | None:
        """The account's email (the victim API shows it masked); None when the account is gone."""
        answer = self._admin("admin_get_user", "the account could not be read", user_id)
        attributes = {a.get("Name"): a.get("Value") for a in (answer or {}).get("UserAttributes", [])}
        email = attributes.get("email")
        return str(email) if email else None

    def delete(self, user_id: str) -> None:
        """Delete the account; one already gone is fine."""
        self._admin("admin_delete_user", "the account could not be deleted", user_id)

    def global_sign_out(self, user_id: str) -> None:
        """Revoke every refresh token of the account (AdminUserGlobalSignOut). An account already gone
        has none left, so that is fine."""
        self._admin("admin_user_global_sign_out", "the sign-out could not be completed", user_id)
