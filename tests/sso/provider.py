"""Starts the test OpenID provider (tests/sso/openid_provider/, django-oauth-toolkit) under gunicorn on a
free loopback port, in a temporary folder, and stops it afterwards. No mock: the tracker talks to it
over HTTP as it would to Entra ID, and the browser signs in on its own page."""
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT = Path(__file__).resolve().parent / "openid_provider"


@dataclass(frozen=True)
class Provider:
    url: str
    issuer: str
    discovery: dict
    client_id: str
    client_secret: str


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(data, issuer, client, users):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(PROJECT), DJANGO_SETTINGS_MODULE="provider_settings", PROVIDER_DATA=str(data),
               PROVIDER_ISSUER=issuer, PROVIDER_CLIENT=json.dumps(client), PROVIDER_USERS=json.dumps(users))
    return env


@contextmanager
def running_provider(folder, *, redirect_uri, users):
    """A provider that knows one client (the tracker, sending people back to `redirect_uri`) and
    these users ({"username", "password", "email", "first_name", "last_name", "groups"})."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    client = {"id": "economic-strategy-tracker", "secret": "a-client-secret-for-the-tests-only", "redirect_uri": redirect_uri}
    env = _environment(folder, f"{url}/o", client, users)
    subprocess.run([sys.executable, str(PROJECT / "provider_setup.py")], env=env, cwd=folder, check=True,
                   capture_output=True, timeout=120)
    log = open(folder / "provider.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--threads", "4", "--timeout", "60", "provider_wsgi:application"],
                              env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    try:
        discovery = _wait_for(f"{url}/o/.well-known/openid-configuration", server, folder)
        yield Provider(url=url, issuer=discovery["issuer"], discovery=discovery, client_id=client["id"],
                       client_secret=client["secret"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_for(url, server, folder, seconds=120):
    """The provider's discovery document, once it answers. On a busy machine its first answer (the
    worker still importing) may take longer than a request's timeout: that is waited out too, up to
    `seconds` in all (no wait at all once it is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("The test OpenID provider stopped:\n" + (folder / "provider.log").read_text())
        try:
            response = requests.get(url, timeout=10)
            if response.status_code == 200:
                return response.json()
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError("The test OpenID provider did not start:\n" + (folder / "provider.log").read_text())
