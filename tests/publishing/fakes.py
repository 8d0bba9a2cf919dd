"""Real HTTP servers on 127.0.0.1 that speak just enough of each network's API for the adapters:
Mastodon's statuses and media, Bluesky's XRPC (sessions, records, blobs), and a webhook receiver
that checks signatures. Tests, the fault test and the benchmark publish through them.

Every server can be told to misbehave for the next requests to a path:

    server.fail_next("POST", "/api/v1/statuses", status=429, headers={"Retry-After": "7"}, times=1)
    server.hang_next("POST", "/api/v1/statuses", seconds=3, after_effect=True)   # create, then no answer
    server.reset_next("POST", "/api/v1/statuses", after_effect=True)             # create, then drop the line
"""

from __future__ import annotations

import base64
import collections
import email.policy
import hashlib
import html
import itertools
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from publishing.adapters.webhook import verify_signature

Reply = tuple[int, dict[str, str], bytes]


def json_reply(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode()


@dataclass
class Fault:
    method: str
    path: str
    kind: str  # "status", "hang", "reset"
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0
    after_effect: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, list[str]]:
        kind = self.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            message = BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {kind}\r\n\r\n".encode() + self.body
            )
            fields: dict[str, list[str]] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                value = payload.decode(errors="replace") if part.get_filename() is None else f"<{len(payload)} bytes>"
                fields.setdefault(name, []).append(value)
            return fields
        if kind.startswith("application/json"):
            data = self.json()
            return {key: value if isinstance(value, list) else [value] for key, value in data.items()}
        return parse_qs(self.body.decode(), keep_blank_values=True)


class FakeServer:
    """A threaded HTTP server in the background; subclasses implement ``route``."""

    latency = 0.0

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        handler = self._handler_class()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # --- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- faults ---------------------------------------------------------------------------------
    def fail_next(self, method: str, path: str, *, status: int, headers=None, body=None, times: int = 1) -> None:
        self._add(Fault(method, path, "status", times, status, headers or {}, body))

    def hang_next(self, method: str, path: str, *, seconds: float, after_effect: bool = True, times: int = 1) -> None:
        self._add(Fault(method, path, "hang", times, seconds=seconds, after_effect=after_effect))

    def reset_next(self, method: str, path: str, *, after_effect: bool = True, times: int = 1) -> None:
        self._add(Fault(method, path, "reset", times, after_effect=after_effect))

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method == method and path.startswith(fault.path) and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # --- handling -------------------------------------------------------------------------------
    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parsed.path,
                    parse_qs(parsed.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append((self.command, parsed.path))
                if server.latency:
                    time.sleep(server.latency)
                fault = server._take_fault(self.command, parsed.path)
                if fault and fault.kind == "status":
                    reply = json_reply(
                        fault.status, fault.body if fault.body is not None else {"error": "Injected"}, fault.headers
                    )
                elif fault and not fault.after_effect:
                    reply = None
                else:
                    reply = server.route(request)
                if fault and fault.kind == "hang":
                    time.sleep(fault.seconds)
                if fault and fault.kind in {"hang", "reset"}:
                    self._drop()
                    return
                status, headers, payload = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _drop(self):
                self.close_connection = True
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        return Handler


# --- Mastodon -----------------------------------------------------------------------------------


class FakeMastodon(FakeServer):
    """Mastodon's REST API for one account; Idempotency-Key is honoured for an hour, as Mastodon does."""

    def __init__(self, token: str = "test-token", *, max_characters: int = 500) -> None:
        self.token = token
        self.max_characters = max_characters
        self.statuses: list[dict[str, Any]] = []
        self.posts_by_key: collections.Counter[str | None] = collections.Counter()  # POSTs received per key
        self._by_key: dict[str, tuple[float, dict[str, Any]]] = {}
        self._ids = itertools.count(100)
        self.media: dict[str, dict[str, Any]] = {}
        super().__init__()

    @property
    def status_posts(self) -> int:
        """Every status request received, resends included."""
        return sum(self.posts_by_key.values())

    def account(self) -> dict[str, Any]:
        return {
            "id": "1",
            "username": "acme",
            "acct": "acme",
            "display_name": "Acme",
            "url": f"{self.url}/@acme",
            "created_at": "2020-01-01T00:00:00.000Z",
            "locked": False,
            "bot": False,
            "note": "",
            "followers_count": 10,
            "following_count": 1,
            "statuses_count": len(self.statuses),
        }

    def route(self, request: Request) -> Reply:
        if request.path.rstrip("/") in {"/api/v1/instance", "/api/v2/instance"}:
            return json_reply(
                200,
                {
                    "uri": "127.0.0.1",
                    "domain": "127.0.0.1",
                    "title": "Fake",
                    "version": "4.3.0",
                    "configuration": {"statuses": {"max_characters": self.max_characters}},
                },
            )
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return json_reply(401, {"error": "The access token is invalid"})
        if request.path == "/api/v1/accounts/verify_credentials":
            return json_reply(200, self.account())
        if request.method == "POST" and request.path in {"/api/v2/media", "/api/v1/media"}:
            form = request.form()
            media_id = str(next(self._ids))
            item = {
                "id": media_id,
                "type": "image",
                "url": f"{self.url}/media/{media_id}",
                "description": (form.get("description") or [None])[0],
            }
            with self._lock:
                self.media[media_id] = item
            return json_reply(200, item)
        if request.method == "POST" and request.path == "/api/v1/statuses":
            return self._post_status(request)
        if request.path.startswith("/api/v1/accounts/") and request.path.endswith("/statuses"):
            limit = int((request.query.get("limit") or ["20"])[0])
            max_id = int((request.query.get("max_id") or ["0"])[0]) or None
            with self._lock:
                newest_first = [s for s in reversed(self.statuses) if max_id is None or int(s["id"]) < max_id]
            return json_reply(200, newest_first[:limit])
        if request.path.startswith("/api/v1/statuses/"):
            wanted = request.path.rsplit("/", 1)[1]
            with self._lock:
                found = next((s for s in self.statuses if s["id"] == wanted), None)
            return json_reply(200, found) if found else json_reply(404, {"error": "Record not found"})
        return json_reply(404, {"error": "Not found"})

    def _post_status(self, request: Request) -> Reply:
        form = request.form()
        text = (form.get("status") or [""])[0]
        key = request.headers.get("idempotency-key")
        with self._lock:
            self.posts_by_key[key] += 1
            if key and key in self._by_key and time.time() - self._by_key[key][0] < 3600:
                return json_reply(200, self._by_key[key][1])
            if len(text) > self.max_characters:
                return json_reply(
                    422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"}
                )
            status_id = str(next(self._ids))
            status = {
                "id": status_id,
                "uri": f"{self.url}/users/acme/statuses/{status_id}",
                "url": f"{self.url}/@acme/{status_id}",
                "created_at": datetime.now(tz=UTC).isoformat().replace("+00:00", "Z"),
                "content": "<p>" + html.escape(text).replace("\n", "<br />") + "</p>",
                "visibility": (form.get("visibility") or ["public"])[0],
                "media_attachments": [self.media[m] for m in form.get("media_ids[]", []) if m in self.media],
                "account": self.account(),
                "favourites_count": 0,
                "reblogs_count": 0,
                "replies_count": 0,
                "idempotency_key": key,
            }
            self.statuses.append(status)
            if key:
                self._by_key[key] = (time.time(), status)
        return json_reply(200, status)

    def statuses_for(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return [status for status in self.statuses if status.get("idempotency_key") == key]


# --- Bluesky ------------------------------------------------------------------------------------


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class FakeBluesky(FakeServer):
    """A PDS's XRPC endpoints for one account."""

    def __init__(self, handle: str = "coe.test", password: str = "app-password-1") -> None:
        self.handle, self.password, self.did = handle, password, "did:plc:coehubtest0000000000"
        self.records: dict[str, dict[str, Any]] = {}
        self.creates_by_rkey: collections.Counter[str] = collections.Counter()  # createRecord calls per key
        self.sessions_created = 0
        self._valid_tokens: set[str] = set()
        self._counter = itertools.count(1)
        super().__init__()

    @property
    def create_calls(self) -> int:
        """Every createRecord request received, resends included."""
        return sum(self.creates_by_rkey.values())

    def _jwt(self, scope: str) -> str:
        payload = {
            "scope": scope,
            "sub": self.did,
            "iat": int(time.time()),
            "exp": int((datetime.now(tz=UTC) + timedelta(hours=2)).timestamp()),
            "n": next(self._counter),
        }
        signature = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        token = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(payload)}.{signature}"
        with self._lock:
            self._valid_tokens.add(token)
        return token

    def expire_sessions(self) -> None:
        with self._lock:
            self._valid_tokens.clear()

    def _session(self) -> dict[str, Any]:
        with self._lock:
            self.sessions_created += 1
        return {
            "accessJwt": self._jwt("com.atproto.access"),
            "refreshJwt": self._jwt("com.atproto.refresh"),
            "handle": self.handle,
            "did": self.did,
            "active": True,
        }

    def _authorized(self, request: Request) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            return token in self._valid_tokens

    def route(self, request: Request) -> Reply:
        method = request.path.removeprefix("/xrpc/")
        if method == "com.atproto.server.createSession":
            data = request.json()
            if data.get("identifier") != self.handle or data.get("password") != self.password:
                return json_reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            return json_reply(200, self._session())
        if not self._authorized(request):
            return json_reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        if method == "com.atproto.server.refreshSession":
            return json_reply(200, self._session())
        if method == "com.atproto.server.getSession":
            return json_reply(200, {"handle": self.handle, "did": self.did, "active": True})
        if method == "com.atproto.repo.uploadBlob":
            digest = hashlib.sha256(request.body).hexdigest()[:20]
            return json_reply(
                200,
                {
                    "blob": {
                        "$type": "blob",
                        "ref": {"$link": f"bafkrei{digest}"},
                        "mimeType": request.headers.get("content-type", "image/png"),
                        "size": len(request.body),
                    }
                },
            )
        if method == "com.atproto.repo.createRecord":
            data = request.json()
            rkey = data.get("rkey") or str(next(self._counter))
            uri = f"at://{self.did}/{data['collection']}/{rkey}"
            with self._lock:
                self.creates_by_rkey[rkey] += 1
                if rkey in self.records:
                    return json_reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
                self.records[rkey] = {"uri": uri, "cid": f"bafyrei{rkey}", "value": data["record"]}
            return json_reply(200, {"uri": uri, "cid": f"bafyrei{rkey}"})
        if method == "com.atproto.repo.getRecord":
            rkey = (request.query.get("rkey") or [""])[0]
            with self._lock:
                found = self.records.get(rkey)
            if not found:
                return json_reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
            return json_reply(200, found)
        if method == "app.bsky.feed.getPosts":
            uris = request.query.get("uris", [])
            with self._lock:
                posts = [
                    {
                        "uri": r["uri"],
                        "cid": r["cid"],
                        "author": {"did": self.did, "handle": self.handle},
                        "record": r["value"],
                        "indexedAt": r["value"].get("createdAt"),
                        "likeCount": 3,
                        "repostCount": 1,
                        "replyCount": 2,
                    }
                    for r in self.records.values()
                    if r["uri"] in uris
                ]
            return json_reply(200, {"posts": posts})
        return json_reply(404, {"error": "MethodNotImplemented", "message": method})


# --- webhook ------------------------------------------------------------------------------------


class WebhookReceiver(FakeServer):
    """A company relay: checks the signature, dedupes on Idempotency-Key when asked to."""

    def __init__(self, secret: str = "relay-secret", *, dedupe: bool = True) -> None:
        self.secret, self.dedupe = secret, dedupe
        self.deliveries: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        super().__init__()

    def route(self, request: Request) -> Reply:
        if request.method == "GET" and request.path.startswith("/status/"):
            key = request.path.rsplit("/", 1)[1]
            with self._lock:
                found = self._by_key.get(key)
            return json_reply(200, found) if found else json_reply(404, {"error": "No such delivery"})
        if not verify_signature(
            self.secret,
            request.headers.get("x-coe-timestamp", ""),
            request.body,
            request.headers.get("x-coe-signature", ""),
        ):
            return json_reply(401, {"error": "Bad signature"})
        key = request.headers.get("idempotency-key", "")
        with self._lock:
            if self.dedupe and key in self._by_key:
                return json_reply(200, self._by_key[key])
            delivery = {
                "id": f"d{len(self.deliveries) + 1}",
                "url": f"{self.url}/d/{len(self.deliveries) + 1}",
                "payload": json.loads(request.body),
            }
            self.deliveries.append(delivery)
            self._by_key[key] = {"id": delivery["id"], "url": delivery["url"]}
        return json_reply(200, {"id": delivery["id"], "url": delivery["url"]})
