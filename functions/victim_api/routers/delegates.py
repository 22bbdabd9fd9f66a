"""People who follow one of my cases for me (delegated access), and taking up an invitation to follow one."""

from __future__ import annotations

from typing import Annotated

import dependencies
from answers import answer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import (
    AcceptedInvitationView,
    AcceptInvitationRequest,
    DelegatesView,
    DelegateView,
    Id,
    NewDelegateRequest,
    NewDelegateView,
)

from caseline.domain.delegation import Scope
from caseline.services import delegation, sessions
from routers import end_access

router = APIGatewayRouter()


@router.get(
    "/v1/cases/<force_id>/<case_id>/delegates",
    summary="Who follows this case for me: people I invited, and people the force set up",
    tags=["Victims"],
)
def delegates(force_id: Id, case_id: Id) -> DelegatesView:
    user_id, reader = dependencies.case_caller(router.current_event)
    found = delegation.list_delegations(user_id, force_id, case_id, reader=reader, clock=dependencies.clock)
    return DelegatesView(delegates=[DelegateView(**vars(d)) for d in found])


@router.post(
    "/v1/cases/<force_id>/<case_id>/delegates",
    summary="Invite someone I trust to follow this case: answers a one-time code to give them",
    tags=["Victims"],
)
def invite(force_id: Id, case_id: Id, request: Annotated[NewDelegateRequest, Body()]) -> Response[NewDelegateView]:
    user_id, reader = dependencies.case_caller(router.current_event)
    store, audit, clock = dependencies.delegations, dependencies.audit, dependencies.clock
    new = delegation.invite(
        user_id,
        force_id,
        case_id,
        request.name,
        request.relationship,
        Scope(request.scope),
        reader=reader,
        store=store,
        audit=audit,
        clock=clock,
    )
    [view] = delegation.views([new.delegation], clock.now(), user_id)
    body = NewDelegateView(delegate=DelegateView(**vars(view)), invitation_code=new.code)
    return answer(201, body, "DelegatesInvited", headers={"Cache-Control": "no-store"})


@router.delete(
    "/v1/cases/<force_id>/<case_id>/delegates/<delegation_id>",
    summary="End someone's access to this case (an invitation not taken up yet, or access in use)",
    tags=["Victims"],
)
def remove(force_id: Id, case_id: Id, delegation_id: Id) -> Response[str]:
    store = dependencies.delegations
    return end_access(
        router.current_event, delegation.remove, store, "DelegatesRemoved", force_id, case_id, delegation_id
    )


@router.post(
    "/v1/me/delegations",
    summary="Follow a case someone shared with me, with the invitation code they gave me",
    tags=["Victims"],
)
def accept(request: Annotated[AcceptInvitationRequest, Body()]) -> Response[AcceptedInvitationView]:
    user_id = dependencies.account_caller(router.current_event)
    clock = dependencies.clock
    found = delegation.accept(
        user_id, request.code, store=dependencies.delegations, audit=dependencies.audit, clock=clock
    )
    sessions.carry_to_new_case(user_id, found.force_id, found.case_id, store=dependencies.session_store, clock=clock)
    body = AcceptedInvitationView(force_id=found.force_id, case_id=found.case_id)
    return answer(201, body, "DelegationsAccepted")
