"""docs/deploy.md, run as written: its nginx configuration in front of two daphne processes
with --proxy-headers and the production settings, on Redis and PostgreSQL (CI's second run).

Only what a machine needs changes: the ports, a self-signed certificate for
localhost instead of Let's Encrypt's, the static folder's path, the host name.
"""

import http.client
import json
import shutil
import ssl
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings

from .servers import ROOT, Daphne, free_port, scaled_out, session_cookie, wait_for_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    scaled_out,
    pytest.mark.skipif(not shutil.which(NGINX), reason="needs nginx (make test installs it)"),
    pytest.mark.django_db(transaction=True),
]


def recipe() -> str:
    """The nginx block of docs/deploy.md."""
    return (ROOT / "docs" / "deploy.md").read_text().split("```nginx\n", 1)[1].split("```", 1)[0]


def self_signed_certificate(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, key_file = directory / "fullchain.pem", directory / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key_file


def nginx_config(directory, upstream_ports, https_port, http_port, cert, key) -> str:
    config = recipe()
    for old, new in [
        (
            "server 127.0.0.1:8001; server 127.0.0.1:8002;",
            " ".join(f"server 127.0.0.1:{p};" for p in upstream_ports),
        ),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/letsencrypt/live/intervisie.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/intervisie.example.org/privkey.pem", str(key)),
        ("/srv/intervisie/staticfiles/", f"{settings.STATIC_ROOT}/"),
        ("intervisie.example.org", "localhost"),
    ]:
        assert old in config, f"docs/deploy.md's nginx block no longer has {old!r}: update this test"
        config = config.replace(old, new)
    temp = " ".join(
        f"{kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"user root; pid {directory}/nginx.pid; error_log {directory}/error.log; events {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n{config}\n}}\n"
    )


@pytest.fixture
def deployed(tmp_path):
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the sessions of this test process sign with it
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    processes = [Daphne(("--proxy-headers",), **production) for _ in range(2)]
    for process in processes:
        process.start()
    cert, key = self_signed_certificate(tmp_path)
    https_port, http_port = free_port(), free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(tmp_path, [p.port for p in processes], https_port, http_port, cert, key))
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"])
    try:
        wait_for_port(https_port, nginx, "nginx")
        yield SimpleNamespace(https=https_port, http=http_port, tls=ssl.create_default_context(cafile=cert))
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for process in processes:
            process.stop()


def test_the_recipe_serves_pages_static_files_health_and_live_meetings(
    deployed, meeting, member, facilitator
):
    from websockets.sync.client import connect

    base = f"https://localhost:{deployed.https}"
    with urllib.request.urlopen(f"{base}/static/css/app.css", context=deployed.tls, timeout=10) as response:
        assert (
            response.read() == (ROOT / "static" / "css" / "app.css").read_bytes()
        )  # nginx, from collectstatic
        assert response.headers["Expires"]
    with urllib.request.urlopen(f"{base}/accounts/login/", context=deployed.tls, timeout=10) as response:
        assert response.status == 200  # through the proxy, seen as HTTPS by Django (no redirect)
        assert response.headers["Strict-Transport-Security"]
        assert "Secure" in response.headers["Set-Cookie"]

    plain = http.client.HTTPConnection("127.0.0.1", deployed.http, timeout=10)
    plain.request("GET", "/healthz", headers={"Host": "localhost"})
    assert plain.getresponse().status == 200  # the load balancer's check over plain HTTP
    plain = http.client.HTTPConnection("127.0.0.1", deployed.http, timeout=10)
    plain.request("GET", "/meetings/", headers={"Host": "localhost"})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.headers["Location"]) == (301, "https://localhost/meetings/")

    # A phone's socket through nginx (wss), and the facilitator's command through it too.
    # The browser's Origin on port 443 is https://localhost: nginx passes $host, without a port.
    origin = "https://localhost"
    with connect(
        f"wss://localhost:{deployed.https}/ws/meetings/{meeting.pk}/",
        ssl=deployed.tls,
        additional_headers={"Cookie": session_cookie(member), "Origin": origin},
    ) as phone:
        assert json.loads(phone.recv(timeout=10))["type"] == "snapshot"
        token = "b" * 32
        request = urllib.request.Request(
            f"{base}/meetings/{meeting.pk}/command/start/",
            data=f"version={meeting.version}".encode(),
            method="POST",
            headers={
                "Cookie": f"{session_cookie(facilitator)}; csrftoken={token}",
                "X-CSRFToken": token,
                "Origin": origin,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        with urllib.request.urlopen(request, context=deployed.tls, timeout=10) as response:
            assert response.status == 204
        state = json.loads(phone.recv(timeout=10))
        assert (state["type"], state["phase"]) == ("state", "inventarisatie")
        assert json.loads(phone.recv(timeout=10))["type"] == "push"
