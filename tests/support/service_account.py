"""A generated service-account key (never a real one), a loopback token endpoint that accepts
it, and a check that no text holds any part of it."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


def fake_service_account(token_uri: str = "http://127.0.0.1:9/token") -> dict:
    """{info, encoded (base64 JSON, as GCP_SERVICE_ACCOUNT holds it), key_id, pem_lines}. The
    default token_uri is refused at once: nothing leaves the host."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_id = secrets.token_hex(20)
    info = {
        "type": "service_account",
        "project_id": "fake-project",
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": "loader@fake-project.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
    encoded = base64.b64encode(json.dumps(info).encode()).decode()
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return {"info": info, "encoded": encoded, "key_id": key_id, "pem_lines": body}


def leaks(text: str, key: dict) -> list[str]:
    found = []
    if key["encoded"][:64] in text or key["encoded"][-64:] in text:
        found.append("the base64 key")
    if key["key_id"] in text:
        found.append("the private_key_id")
    found += [f"private key line {i}" for i, line in enumerate(key["pem_lines"]) if line in text]
    return found


@contextmanager
def token_endpoint() -> Iterator[tuple[str, list[dict]]]:
    """OAuth's token endpoint on 127.0.0.1: answers every JWT-bearer grant with an access
    token; yields (its URL, the claims of each assertion it was sent)."""
    claims: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            assertion = (form.get("assertion") or [""])[0]
            payload = assertion.split(".")[1] if assertion.count(".") == 2 else ""
            claims.append(json.loads(base64.urlsafe_b64decode(payload + "==") or b"{}"))
            body = json.dumps(
                {"access_token": "token-from-loopback", "expires_in": 3600, "token_type": "Bearer"}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/token", claims
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
