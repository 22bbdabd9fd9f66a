"""My contact preferences for one of my cases."""

from __future__ import annotations

from typing import Annotated

import dependencies
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from views import Id, PreferencesBody, PreferencesView

from caseline.services import preferences

router = APIGatewayRouter()


@router.get(
    "/v1/cases/<force_id>/<case_id>/preferences", summary="My contact preferences for this case", tags=["Victims"]
)
def get_preferences(force_id: Id, case_id: Id) -> PreferencesView:
    user_id, reader = dependencies.case_caller(router.current_event)
    view = preferences.get_preferences(user_id, force_id, case_id, reader=reader, store=dependencies.preference_store)
    return PreferencesView(yours=PreferencesBody.of(view.own), in_effect=view.effective.to_dict())


@router.put(
    "/v1/cases/<force_id>/<case_id>/preferences",
    summary="Change my contact preferences for this case",
    tags=["Victims"],
)
def put_preferences(force_id: Id, case_id: Id, body: Annotated[PreferencesBody, Body()]) -> PreferencesView:
    user_id, reader = dependencies.case_caller(router.current_event)
    store, clock = dependencies.preference_store, dependencies.clock
    decision = preferences.update_preferences(
        user_id, force_id, case_id, body.request(), reader=reader, store=store, clock=clock
    )
    view = preferences.get_preferences(user_id, force_id, case_id, reader=reader, store=store)
    return PreferencesView(
        yours=PreferencesBody.of(decision.applied),
        in_effect=view.effective.to_dict(),
        waiting_for_the_force=decision.for_the_force,
    )
