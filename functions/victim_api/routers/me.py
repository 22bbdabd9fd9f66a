"""My account: download my data, close my account, sign out everywhere. These read nothing of a case, so
each checks the account's session mark itself."""

from __future__ import annotations

import dependencies
from answers import answer, count
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Accepted, ClosedAccountView, DataExportView

from caseline.adapters.request import caller_email
from caseline.services import data_rights, sessions

router = APIGatewayRouter()


@router.get(
    "/v1/me/data",
    summary="Download my data (format caseline.export.v1); needs a sign-in in the last 15 minutes",
    tags=["Victims"],
)
def download_my_data() -> Response[DataExportView]:
    user_id = dependencies.account_caller(router.current_event, recent_sign_in=True)
    document = data_rights.export_my_data(
        user_id,
        caller_email(router.current_event),
        store=dependencies.rights,
        audit=dependencies.audit,
        clock=dependencies.clock,
    )
    attachment = {"Content-Disposition": 'attachment; filename="caseline-my-data.json"', "Cache-Control": "no-store"}
    return answer(200, DataExportView.model_validate(document), "DataExportsServed", headers=attachment)


@router.delete(
    "/v1/me",
    summary="Close my account: unlink my cases and reports, delete my messages and my sign-in; needs a sign-in in "
    "the last 15 minutes",
    tags=["Victims"],
)
def close_my_account() -> ClosedAccountView:
    user_id = dependencies.account_caller(router.current_event, recent_sign_in=True)
    # Every token of the account is refused from here on, even if closing stops part-way.
    _end_every_session(user_id)
    closed = data_rights.close_account(
        user_id, store=dependencies.rights, clock=dependencies.clock, delete_identity=dependencies.identity.delete
    )
    count("AccountsClosed")
    return ClosedAccountView(**closed)


@router.post(
    "/v1/me/sign-out-everywhere",
    summary="End every session of my account (sign out everywhere, quick exit): issued tokens stop working",
    tags=["Victims"],
)
def sign_out_everywhere() -> Accepted:
    _end_every_session(dependencies.account_caller(router.current_event))
    count("SignedOutEverywhere")
    return Accepted(status="signed-out")


def _end_every_session(user_id: str) -> None:
    sessions.end_every_session(
        user_id,
        links=dependencies.rights,
        store=dependencies.session_store,
        sign_out=dependencies.identity.global_sign_out,
        clock=dependencies.clock,
    )
