"""The reference deployment's reverse proxy, started for real: Debian's nginx (installed by
`make test` as it installs Chromium) with deploy/nginx/ses.conf.template, the very file the compose
file gives the official nginx image, rendered the way that image renders it (envsubst of the
${SES_...} names only) and wrapped in the few lines of a main configuration a test needs
(temporary folders of its own, no daemon)."""
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from bench.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "ses.conf.template"


def nginx_binary():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    assert found, "nginx is missing: `make test` installs Debian's nginx (apt-get install nginx-light)"
    return found


def render(template_text, values):
    """envsubst as the nginx image runs it: only the names given are replaced, nginx's own $variables stay."""
    def replace(match):
        name = match.group(1)
        return values[name] if name in values else match.group(0)
    return re.sub(r"\$\{([A-Z0-9_]+)\}", replace, template_text)


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 and localhost, made with openssl for this run only."""
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def reverse_proxy(app_servers):
    """nginx in front of the two app servers (their host:port); yields (http_base, https_base, certificate)."""
    folder = Path(tempfile.mkdtemp(prefix="ses-proxy-"))
    folder.chmod(0o755)
    cert, key = self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    site = render(TEMPLATE.read_text(), {
        "SES_APP_SERVER_1": app_servers[0], "SES_APP_SERVER_2": app_servers[1],
        "SES_HTTP_LISTEN": f"127.0.0.1:{http_port}", "SES_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "SES_HTTPS_PORT_SUFFIX": f":{https_port}",
        "SES_TLS_CERTIFICATE": str(cert), "SES_TLS_KEY": str(key),
    })
    assert "${SES_" not in site, "the template names a ${SES_...} value the deployment does not give"
    (folder / "ses.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir(mode=0o777)
    temp.chmod(0o777)  # nginx's workers run as nobody when the master is root
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  access_log {folder}/access.log;\n"
        + "".join(f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {folder}/ses.conf;\n}}\n")
    proc = subprocess.Popen([nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    http_base, https_base = f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"nginx stopped at once: {proc.stderr.read().decode()}\n"
                                     f"{(folder / 'error.log').read_text() if (folder / 'error.log').exists() else ''}")
            try:
                requests.get(https_base + "/healthz", verify=str(cert), timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise AssertionError("nginx did not answer within 30 s")
                time.sleep(0.1)
        yield http_base, https_base, str(cert)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
