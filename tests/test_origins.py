"""Origins are checked exactly, scheme, host and port, for forms as for sockets (issue 16, item 4).

The sockets' side is in tests/live/test_consumer.py; forms rely on Django's CSRF check, which
compares the Origin with the request's own scheme, host and port: this holds it to that.
"""

import pytest
from django.test import Client
from django.urls import reverse

from intervisie.origins import normalised


@pytest.mark.parametrize(
    ("origin", "status"),
    [("http://testserver", 302), ("http://testserver:8001", 403), ("https://testserver", 403)],
)
def test_a_form_posted_from_another_port_or_scheme_is_refused(member, origin, status):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(reverse("home"))  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("meetings:feed-reset"), {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin)
    assert response.status_code == status


def test_origins_are_compared_with_their_default_ports_left_out():
    assert normalised("HTTPS://Example.org:443/") == "https://example.org"
    assert normalised("http://example.org:8000") == "http://example.org:8000"
    assert normalised("null") == normalised("javascript:x") == ""
