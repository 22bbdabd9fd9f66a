"""A local API Gateway: REST proxy events for every Api event in template.yaml, the Cognito
authorizer, the static portal and a view of the messages "sent"."""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from caseline_local.auth import CognitoVerifier, Unauthorized
from caseline_local.workers import FunctionWorker, InvocationError

log = logging.getLogger("caseline_local.gateway")
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    pattern: re.Pattern[str]
    worker: FunctionWorker
    authorized: bool

    @classmethod
    def build(cls, method: str, resource: str, worker: FunctionWorker, authorized: bool) -> Route:
        regex = "^" + re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource)) + "$"
        return cls(method.upper(), resource, re.compile(regex), worker, authorized)


class Gateway:
    def __init__(self, *, portal_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
        """Bind the port now (so its URL can go into the functions' environment); add routes later."""
        self.routes: list[Route] = []
        self.verifier: CognitoVerifier | None = None
        self.stage = "local"
        self.unauthorized_body = '{"message":"Unauthorized"}'
        self.unauthorized_headers = {"Content-Type": "application/json"}
        self.portal_dir = portal_dir
        self.local_pages: dict[str, Callable[[], tuple[str, bytes]]] = {}
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

        self.server = ThreadingHTTPServer((host, port), Handler)
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
            self._send(request, 413, {"Content-Type": "application/json"}, b'{"message":"Request Too Long"}')
            return
        body = request.rfile.read(length) if length else b""
        for route in self.routes:
            match = route.pattern.match(split.path)
            if match and route.method == request.command:
                self._invoke(request, route, match.groupdict(), split.query, body)
                return
        if request.command in {"GET", "HEAD"}:
            if split.path in self.local_pages:
                content_type, payload = self.local_pages[split.path]()
                self._send(request, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}, payload)
                return
            if self._static(request, split.path):
                return
        if any(r.pattern.match(split.path) for r in self.routes):
            self._send(
                request, 403, {"Content-Type": "application/json"}, b'{"message":"Missing Authentication Token"}'
            )
            return
        self._send(request, 404, {"Content-Type": "text/plain"}, b"Not found")

    def _invoke(
        self, request: BaseHTTPRequestHandler, route: Route, params: dict[str, str], query: str, body: bytes
    ) -> None:
        headers = dict(request.headers.items())
        authorizer: dict[str, Any] = {}
        if route.authorized:
            try:
                assert self.verifier is not None
                authorizer = {"claims": self.verifier.claims(request.headers.get("Authorization"))}
            except Unauthorized:
                self._send(request, 401, self.unauthorized_headers, self.unauthorized_body.encode())
                return
        event = self._event(request, route, params, query, body, headers, authorizer)
        try:
            response = route.worker.invoke(event)
        except InvocationError:
            log.exception("function error")
            self._send(request, 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}')
            return
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode("utf-8")
        out_headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = ", ".join(values)
        self._send(request, int(response.get("statusCode", 200)), out_headers, data)

    def _event(
        self,
        request: BaseHTTPRequestHandler,
        route: Route,
        params: dict[str, str],
        query: str,
        body: bytes,
        headers: dict[str, str],
        authorizer: dict[str, Any],
    ) -> dict[str, Any]:
        multi_query = parse_qs(query, keep_blank_values=True)
        try:
            text, is_base64 = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode("ascii"), True
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            multi_headers.setdefault(name, []).append(value)
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

    def _static(self, request: BaseHTTPRequestHandler, path: str) -> bool:
        relative = "index.html" if path in {"", "/"} else path.lstrip("/")
        target = (self.portal_dir / relative).resolve()
        if not target.is_relative_to(self.portal_dir.resolve()) or not target.is_file():
            return False
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(request, 200, {"Content-Type": content_type}, target.read_bytes())
        return True

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
        request.send_header("X-Content-Type-Options", "nosniff")
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)


def json_page(data: Any) -> tuple[str, bytes]:
    return "application/json", json.dumps(data, indent=2, default=str).encode()
