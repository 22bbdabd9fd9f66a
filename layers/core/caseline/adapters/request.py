"""Reading an API Gateway request the same way in every HTTP handler: its raw body, and its caller.

The caller is the subject of the Cognito ID token that API Gateway's user pool authorizer verified and
passed on as claims: never a parameter, never a header the handler reads itself.
"""

from __future__ import annotations

import base64
import ipaddress
from typing import TYPE_CHECKING, Any

from caseline.domain.errors import UnauthenticatedError
from caseline.domain.sessions import Token, token_from_claims

if TYPE_CHECKING:
    from collections.abc import Mapping

    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

    from caseline.domain.staff_access import StaffMember


def raw_body(event: APIGatewayProxyEvent) -> bytes:
    """The body as sent: what a signature covers, and what the strict JSON reader parses."""
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def claims(event: APIGatewayProxyEvent) -> Mapping[str, Any]:
    """The authorizer's claims; empty on a route without an authorizer."""
    context = event.request_context
    return (context.authorizer.claims or {}) if context and context.authorizer else {}


def caller(event: APIGatewayProxyEvent) -> Token:
    """The signed-in caller's token: ``UnauthenticatedError`` (401) without one."""
    return token_from_claims(claims(event))


def optional_caller(event: APIGatewayProxyEvent) -> Token | None:
    """The caller's token on a route that also answers without signing in (None: not signed in)."""
    found = claims(event)
    return token_from_claims(found) if found.get("sub") else None


def staff_caller(event: APIGatewayProxyEvent, staff_pool_id: str | None) -> StaffMember:
    """A force staff member, from a staff pool ID token only: a victim's token (another pool's issuer, or
    an access token) is unauthenticated here, even if a route's authorizer were ever misconfigured."""
    from caseline.domain.staff_access import StaffMember  # only the staff APIs: not at the victim API's cold start

    found = claims(event)
    issuer = str(found.get("iss", ""))
    if (
        not found.get("sub")
        or found.get("token_use") != "id"
        or (staff_pool_id and not issuer.endswith(f"/{staff_pool_id}"))
    ):
        raise UnauthenticatedError()
    groups = found.get("cognito:groups") or []
    if isinstance(groups, str):  # API Gateway passes a list claim as one string: "[a, b]" or "a,b"
        groups = groups.strip("[]").replace(",", " ").split()
    email = found.get("email")
    return StaffMember(str(found["sub"]), str(email) if email else None, frozenset(groups))


def caller_email(event: APIGatewayProxyEvent) -> str | None:
    email = claims(event).get("email")
    return str(email) if email else None


# Set by CloudFront on each request it forwards, replacing any a viewer sent: "198.51.100.10:46532" or
# "2001:db8::1:46532" (the viewer's address, then its source port).
VIEWER_ADDRESS = "CloudFront-Viewer-Address"


def client_address(event: APIGatewayProxyEvent) -> str | None:
    """The caller's own address, for per-address limits. Through the portal's distribution, API Gateway's
    source IP is a CloudFront edge's, shared by everyone behind it, so the viewer's address comes from
    ``CloudFront-Viewer-Address``; the API's web ACL admits victims' routes only with the distribution's
    origin-verify header, so no direct caller can set it (except in ``WafMode=COUNT``: docs/runbook.md).
    Without the header (the local stack, a force's direct call) it is the connection's address."""
    sent = event.get_header_value(VIEWER_ADDRESS, case_sensitive=False) or ""
    address, _, port = sent.rpartition(":")
    if port.isdigit():
        try:
            return str(ipaddress.ip_address(address.strip("[]")))
        except ValueError:
            pass  # not an address: the connection's, as without the header
    return event.request_context.identity.source_ip


def preferred(accept: str | None, offered: tuple[str, ...]) -> str:
    """Which of ``offered`` (the first is the default) the ``Accept`` header asks for most (RFC 9110
    12.5.1): the highest ``q``, a listed type before ``type/*`` before ``*/*``, ties in ``offered``'s order.
    A type given ``q=0`` is not acceptable; when nothing offered is, the default is answered anyway."""
    best: dict[str, tuple[float, int]] = {}  # offered type -> (q, how specific the range that set it)
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        media = media.lower()
        for kind in offered:
            specific = 2 if media == kind else 1 if media == kind.split("/")[0] + "/*" else 0 if media == "*/*" else -1
            if specific >= 0 and specific >= best.get(kind, (0.0, -1))[1]:
                best[kind] = (q, specific)
    ranked = [kind for kind in offered if best.get(kind, (0.0, -1))[0] > 0]
    return max(ranked, key=lambda kind: best[kind][0], default=offered[0])
