"""The victim API's adapters, created once per execution environment, and the caller of each request.

Routers read them as ``dependencies.<name>`` when a request comes, so a test may replace one here. The
adapters only rare routes use (linking a case, the accounts on a case, my data, closing an account) are
built on first use, so a cold start loads none of their modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from caseline.adapters import request
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.alerts import DynamoAlertStore
from caseline.adapters.dynamodb.case_view import (
    DynamoAuditLog,
    DynamoCaseReader,
    DynamoMessageStore,
    DynamoPreferencesStore,
    DynamoReadState,
)
from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository
from caseline.adapters.dynamodb.requests import DynamoRequestStore
from caseline.adapters.dynamodb.sessions import DynamoSessionStore
from caseline.adapters.dynamodb.survey import DynamoSurveyStore
from caseline.adapters.dynamodb.victim_cases import DynamoVictimCaseReader
from caseline.config import get_settings
from caseline.content.articles_index import LazyArticleLibrary
from caseline.domain.sessions import require_recent_sign_in
from caseline.services import sessions

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    from caseline.adapters.dynamodb.account_links import DynamoAccountLinks
    from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore
    from caseline.adapters.dynamodb.delegation import DynamoDelegationStore
    from caseline.adapters.dynamodb.linking import DynamoLinkRepository
    from caseline.adapters.identity import CognitoIdentityAdmin
    from caseline.domain.sessions import Token

    # Built on first use by __getattr__ below
    links: DynamoLinkRepository
    delegations: DynamoDelegationStore
    account_store: DynamoAccountLinks
    rights: DynamoDataRightsStore
    identity: CognitoIdentityAdmin

session_store = DynamoSessionStore()
audit = DynamoAuditLog()
messages = DynamoMessageStore()
outbound = DynamoOutboundRepository()
preference_store = DynamoPreferencesStore()
read_state = DynamoReadState()
surveys = DynamoSurveyStore()
alert_store = DynamoAlertStore()
request_store = DynamoRequestStore()
clock = SystemClock()
articles = LazyArticleLibrary()  # the index is read on the first article request, not at cold start
_case_reader = DynamoCaseReader()
_account_reader = DynamoVictimCaseReader()
_user_pool_id = get_settings().user_pool_id  # read at import: a deployment without it fails to start


def _links() -> DynamoLinkRepository:
    from caseline.adapters.dynamodb.linking import DynamoLinkRepository

    return DynamoLinkRepository()


def _account_store() -> DynamoAccountLinks:
    from caseline.adapters.dynamodb.account_links import DynamoAccountLinks

    return DynamoAccountLinks()


def _rights() -> DynamoDataRightsStore:
    from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore

    return DynamoDataRightsStore()


def _delegations() -> DynamoDelegationStore:
    from caseline.adapters.dynamodb.delegation import DynamoDelegationStore

    return DynamoDelegationStore()


def _identity() -> CognitoIdentityAdmin:
    from caseline.adapters.aws import client
    from caseline.adapters.identity import CognitoIdentityAdmin

    return CognitoIdentityAdmin(user_pool_id=_user_pool_id, client_factory=lambda: client("cognito-idp"))


_ON_FIRST_USE: dict[str, Callable[[], Any]] = {
    "links": _links,
    "account_store": _account_store,
    "rights": _rights,
    "identity": _identity,
    "delegations": _delegations,
}


def __getattr__(name: str) -> Any:
    """An adapter of a rare route, built (and its modules imported) the first time a route reads it."""
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    adapter = globals()[name] = _ON_FIRST_USE[name]()
    return adapter


# Every read of a case or of "my cases" refuses a token from a session that was ended (sign out
# everywhere, quick exit, closure): the mark is on the items those reads return, so it costs no call.
def cases(token: Token) -> sessions.CheckedCaseReader:
    return sessions.CheckedCaseReader(_case_reader, lambda: token)


def case_caller(event: APIGatewayProxyEvent) -> tuple[str, sessions.CheckedCaseReader]:
    """Routes on one of my cases: the caller's account, and its reads of the case (refused once its session ended)."""
    token = request.caller(event)
    return token.user_id, cases(token)


def linked_cases(token: Token) -> sessions.CheckedLinkedCases:
    return sessions.CheckedLinkedCases(_account_reader, lambda: token)


def account_caller(event: APIGatewayProxyEvent, *, recent_sign_in: bool = False) -> str:
    """Account routes that read nothing of a case: check the account's session mark (one GetItem)."""
    token = request.caller(event)
    sessions.check_account(token, store=session_store)
    if recent_sign_in:
        require_recent_sign_in(token, clock.now())
    return token.user_id
