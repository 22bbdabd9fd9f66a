"""A local API Gateway: REST proxy events for every Api event in template.yaml, the Cognito
authorizer, the static portal with the deployed portal's response headers, a same-origin proxy to
Cognito's API and a view of the messages "sent"."""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from caseline_local.auth import CognitoVerifier, Unauthorized
from caseline_local.cognito_srp import SrpProxy
from caseline_local.cognito_triggers import PostAuthenticationTrigger
from caseline_local.portal import ResponseHeader
from caseline_local.workers import FunctionWorker, InvocationError

log = logging.getLogger("caseline_local.gateway")
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
COGNITO_PROXY_PATH = "/_local/cognito"
COGNITO_SERVICE = "AWSCognitoIdentityProviderService"
# What a browser may call on Cognito without AWS credentials: unauthenticated, or authorised by the user's own
# token. Cognito refuses any other operation unsigned, and so does the proxy. Not SignUp, ConfirmSignUp or
# ResendConfirmationCode: the user pool's web ACL refuses them without the accounts function's header
# (docs/adr/0014), so browsers sign up and confirm through POST /v1/accounts..., and so they do here.
COGNITO_PUBLIC_OPERATIONS = frozenset(
    {
        "InitiateAuth",
        "RespondToAuthChallenge",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "RevokeToken",
        "GetUser",
        "GetUserAuthFactors",
        "UpdateUserAttributes",
        "DeleteUserAttributes",
        "VerifyUserAttribute",
        "GetUserAttributeVerificationCode",
        "ChangePassword",
        "GlobalSignOut",
        "DeleteUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
        "SetUserSettings",
        "ConfirmDevice",
        "GetDevice",
        "ListDevices",
        "ForgetDevice",
        "UpdateDeviceStatus",
    }
)
MISSING_TOKEN = b'{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}'
AMZ_JSON = {"Content-Type": "application/x-amz-json-1.1"}


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that drops its connection (a browser closing a socket it kept alive) is not the stack's error:
    it is not printed as a traceback. Any other error in a request's thread still is."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    pattern: re.Pattern[str]
    worker: FunctionWorker
    authorized: bool
    authorizer: str = ""  # the API's authorizer by name (empty: the default one)

    @classmethod
    def build(cls, method: str, resource: str, worker: FunctionWorker, authorized: bool, authorizer: str = "") -> Route:
        regex = "^" + re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource)) + "$"
        return cls(method.upper(), resource, re.compile(regex), worker, authorized, authorizer)


class Gateway:
    def __init__(self, *, portal_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
        """Bind the port now (so its URL can go into the functions' environment); add routes later."""
        self.routes: list[Route] = []
        self.verifier: CognitoVerifier | None = None  # the default authorizer's
        self.verifiers: dict[str, CognitoVerifier] = {}  # every authorizer's, by name (a route may name one)
        self.stage = "local"
        # The template's GatewayResponses by type (headers, body template); API Gateway's defaults until read.
        default = '{"message":$context.error.messageString}'
        self.responses = {"DEFAULT_4XX": ({"Content-Type": "application/json"}, default)}
        self.portal_dir = portal_dir
        # /_local/* read-backs, given the query string's parameters.
        self.local_pages: dict[str, Callable[[dict[str, list[str]]], tuple[str, bytes]]] = {}
        # /_local/* controls for any other method (PUT, DELETE...), given the method and the body; they answer
        # (status, content type, body).
        self.local_actions: dict[str, Callable[[str, bytes], tuple[int, str, bytes]]] = {}
        # The deployed portal's response headers policy (caseline_local.portal), on everything but /_local/*.
        # Nothing in it needs relaxing for http://127.0.0.1: browsers ignore Strict-Transport-Security over
        # plain http, and the Cognito proxy below is same-origin, so connect-src 'self' covers it.
        self.response_headers: list[ResponseHeader] = []
        self.cognito_endpoint: str | None = None  # moto's endpoint, behind COGNITO_PROXY_PATH
        self.cognito_triggers: list[PostAuthenticationTrigger] = []  # what moto does not run after a sign-in
        self.srp = SrpProxy()  # moto takes any SRP proof: the proxy checks it as Cognito does
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "caseline-local"

            def log_message(self, format: str, *args: Any) -> None:
                log.debug(format, *args)

            def do_GET(self) -> None:
                gateway.handle(self)

            def __getattr__(self, name: str) -> Any:
                # Any method (TRACE, QUERY, made-up ones) is routed, like API Gateway, rather than a 501.
                if name.startswith("do_"):
                    return self.do_GET
                raise AttributeError(name)

        self.server = QuietHTTPServer((host, port), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ------------------------------------------------------------ request handling
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        split = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(request, 413, {"Content-Type": "application/json"}, b'{"message":"Request Too Long"}')
            return
        body = request.rfile.read(length) if length else b""
        if split.path == COGNITO_PROXY_PATH and request.command == "POST":
            self._cognito(request, body)
            return
        for route in self.routes:
            match = route.pattern.match(split.path)
            if match and route.method == request.command:
                self._invoke(request, route, match.groupdict(), split.query, body)
                return
        if split.path in self.local_actions and request.command not in {"GET", "HEAD"}:
            status, content_type, payload = self.local_actions[split.path](request.command, body)
            self._reply(request, status, {"Content-Type": content_type}, payload)
            return
        if request.command in {"GET", "HEAD"}:
            if split.path in self.local_pages:
                content_type, payload = self.local_pages[split.path](parse_qs(split.query))
                self._reply(request, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}, payload)
                return
            if self._static(request, split.path):
                return
        # The distribution sends all of /v1/* to the API (infra/portal.yaml), where a path no resource matches
        # (unknown, or with a trailing slash) gets the same 403 as a method a resource does not declare.
        if split.path.startswith("/v1/") or any(r.pattern.match(split.path) for r in self.routes):
            self._refuse(request, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
            return
        self._reply(request, 404, {"Content-Type": "text/plain"}, b"Not found")

    def _invoke(
        self, request: BaseHTTPRequestHandler, route: Route, params: dict[str, str], query: str, body: bytes
    ) -> None:
        authorizer: dict[str, Any] = {}
        if route.authorized:
            try:
                verifier = self.verifiers.get(route.authorizer) if route.authorizer else self.verifier
                assert verifier is not None
                authorizer = {"claims": verifier.claims(request.headers.get("Authorization"))}
            except Unauthorized:
                self._refuse(request, "UNAUTHORIZED", 401, "Unauthorized")
                return
        event = self._event(request, route, params, query, body, authorizer)
        try:
            response = route.worker.invoke(event)
        except InvocationError:
            log.exception("function error")
            self._reply(request, 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}')
            return
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode("utf-8")
        out_headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = ", ".join(values)
        self._reply(request, int(response.get("statusCode", 200)), out_headers, data)

    def _event(
        self,
        request: BaseHTTPRequestHandler,
        route: Route,
        params: dict[str, str],
        query: str,
        body: bytes,
        authorizer: dict[str, Any],
    ) -> dict[str, Any]:
        multi_query = parse_qs(query, keep_blank_values=True)
        try:
            text, is_base64 = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode("ascii"), True
        # As the portal's distribution: CloudFront sets the viewer's address and port, replacing any a client
        # sent, so a made-up one cannot buy a new allowance from the per-network limits (docs/api.md).
        multi_headers = {"CloudFront-Viewer-Address": [":".join(map(str, request.client_address[:2]))]}
        for name, value in request.headers.items():
            if name.lower() != "cloudfront-viewer-address":
                multi_headers.setdefault(name, []).append(value)
        headers = {name: values[-1] for name, values in multi_headers.items()}
        return {
            "resource": route.resource,
            "path": urlsplit(request.path).path,
            "httpMethod": request.command,
            "headers": headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.resource,
                "httpMethod": request.command,
                "path": f"/{self.stage}{urlsplit(request.path).path}",
                "stage": self.stage,
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": request.client_address[0], "userAgent": headers.get("User-Agent")},
                "authorizer": authorizer or None,
                "accountId": "123456789012",
                "apiId": "local",
            },
            "body": text if body else None,
            "isBase64Encoded": is_base64,
        }

    @property
    def static_root(self) -> Path:
        """portal/dist/ once the portal is built (looked at on every request), else portal/ itself."""
        built = self.portal_dir / "dist"
        return built if built.is_dir() else self.portal_dir

    def _static(self, request: BaseHTTPRequestHandler, path: str) -> bool:
        # As CloudFront's DefaultRootObject: only "/" becomes index.html, never a folder below it.
        root = self.static_root.resolve()
        relative = "index.html" if path in {"", "/"} else path.lstrip("/")
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return False
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._reply(request, 200, {"Content-Type": content_type}, target.read_bytes())
        return True

    def _cognito(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        """POST /_local/cognito: the browser's Cognito call (body, X-Amz-Target, Content-Type) passed to moto
        as the browser would send it to cognito-idp, unsigned, and moto's answer passed back."""
        service, _, operation = (request.headers.get("X-Amz-Target") or "").partition(".")
        if self.cognito_endpoint is None or service != COGNITO_SERVICE or operation not in COGNITO_PUBLIC_OPERATIONS:
            self._reply(request, 400, {"Content-Type": "application/x-amz-json-1.1"}, MISSING_TOKEN)
            return
        triggers = list(self.cognito_triggers)  # the pool's triggers when the call came in, as Cognito has them
        passed, refusal = self.srp.before(operation, body)
        if refusal is not None:
            self._reply(request, 400, {**AMZ_JSON, "X-Amzn-ErrorType": json.loads(refusal)["__type"]}, refusal)
            return
        if (stand_in := self.srp.stand_in(operation, body)) is not None:
            self._reply(request, 200, AMZ_JSON, stand_in)
            return
        forward = urllib.request.Request(
            self.cognito_endpoint.rstrip("/") + "/",
            data=passed,
            method="POST",
            headers={
                "X-Amz-Target": f"{service}.{operation}",
                "Content-Type": request.headers.get("Content-Type") or "application/x-amz-json-1.1",
            },
        )
        try:
            with urllib.request.urlopen(forward, timeout=15) as response:
                status, headers, answer = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, answer = error.code, error.headers, error.read()
        except urllib.error.URLError:
            log.exception("cognito proxy: moto did not answer")
            self._reply(request, 502, {"Content-Type": "application/json"}, b'{"message": "Bad gateway"}')
            return
        kept = {
            name: headers[name] for name in ("Content-Type", "X-Amzn-ErrorType", "x-amzn-RequestId") if headers[name]
        }
        self._reply(request, status, kept, self.srp.after(operation, body, status, answer))
        for trigger in triggers:  # after the answer: a trigger never delays or fails a sign-in
            trigger.after(operation, body, status, answer)

    def _refuse(self, request: BaseHTTPRequestHandler, kind: str, status: int, message: str) -> None:
        """The gateway's own refusal, as the template's response of that type (else DEFAULT_4XX) renders it."""
        headers, body = self.responses.get(kind) or self.responses["DEFAULT_4XX"]
        body = body.replace("$context.error.messageString", json.dumps(message))
        self._reply(request, status, headers, body.replace("$context.error.statusCode", str(status)).encode())

    def _reply(self, request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        """Send with the headers CloudFront would add: the portal's policy, or no-store on /_local/*."""
        if urlsplit(request.path).path.startswith("/_local/"):
            self._send(request, status, {**headers, "Cache-Control": "no-store"}, body)
        else:
            self._send(request, status, with_policy(headers, self.response_headers), body)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            Gateway._write(request, status, headers, body)
        except (BrokenPipeError, ConnectionResetError):
            request.close_connection = True  # the client went away: nothing to answer

    @staticmethod
    def _write(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        request.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        if not any(name.lower() == "x-content-type-options" for name in headers):
            request.send_header("X-Content-Type-Options", "nosniff")
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)


def with_policy(headers: dict[str, str], policy: list[ResponseHeader]) -> dict[str, str]:
    """A response's headers after a CloudFront response headers policy: a header with ``override`` replaces
    the origin's (whatever its case), one without is added only when the origin sent none."""
    merged = dict(headers)
    for header in policy:
        present = [name for name in merged if name.lower() == header.name.lower()]
        if present and not header.override:
            continue
        for name in present:
            del merged[name]
        merged[header.name] = header.value
    return merged


def json_page(data: Any) -> tuple[str, bytes]:
    return "application/json", json.dumps(data, indent=2, default=str).encode()
