"""Who can see one of my cases: the accounts linked to my victim record, and removing one of them."""

from __future__ import annotations

from typing import Annotated

import dependencies
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Id, LinkedAccountsView, LinkedAccountView

from caseline.services import account_links
from routers import end_access

router = APIGatewayRouter()
LinkId = Annotated[str, Path(pattern=r"^[0-9a-f]{20}$")]


@router.get(
    "/v1/cases/<force_id>/<case_id>/accounts",
    summary="Who can see this case: the accounts linked to my victim record",
    tags=["Victims"],
)
def linked_accounts(force_id: Id, case_id: Id) -> LinkedAccountsView:
    user_id, reader = dependencies.case_caller(router.current_event)
    found = account_links.list_accounts(
        user_id, force_id, case_id, reader=reader, store=dependencies.account_store, directory=dependencies.identity
    )
    return LinkedAccountsView(accounts=[LinkedAccountView(**vars(a)) for a in found])


@router.delete(
    "/v1/cases/<force_id>/<case_id>/accounts/<link_id>",
    summary="Remove another account's access to this case",
    tags=["Victims"],
)
def remove_linked_account(force_id: Id, case_id: Id, link_id: LinkId) -> Response[str]:
    store = dependencies.account_store
    return end_access(
        router.current_event, account_links.remove_account, store, "LinkedAccountsRemoved", force_id, case_id, link_id
    )
