"""Page weight: what a phone downloads for the participant's page on first load, gzip-compressed.

Measured in-process with Django's test client on the bench data; static files
are read from disk and compressed as a reverse proxy would (gzip level 6).
"""

import gzip
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

BUDGET_KB = 100


def _gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def participant_page(meeting_pk: int, session_key: str) -> dict:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    html = client.get(f"/meetings/{meeting_pk}/", HTTP_HOST="127.0.0.1").content
    parts = {"HTML": _gzipped(html)}
    for path in re.findall(rb'(?:src|href)="/static/([^"]+\.(?:css|js))"', html):
        name = path.decode()
        body = open(finders.find(name), "rb").read()
        label = (
            "htmx"
            if "htmx" in name
            else ("CSS" if name.endswith(".css") else f"our JS ({name.rsplit('/', 1)[-1]})")
        )
        parts[label] = parts.get(label, 0) + _gzipped(body)
    parts["total"] = sum(parts.values())
    return parts


def rss_kb(pid: int) -> int:
    """Resident memory of a process (Linux)."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
