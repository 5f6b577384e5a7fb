"""Sending email: one place, plain text from templates/emails/, translatable.

Emails never carry case content: callers pass only names, dates, places and links.
Links in emails (and calendar files) are absolute, made by `absolute`: from SITE_URL, or
from the request being answered; a command run from cron has no request, so it needs SITE_URL.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def site_url(request=None) -> str:
    """The site's address without a trailing slash ("https://intervisie.example.org")."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    raise ImproperlyConfigured(
        "SITE_URL is not set: links in emails sent without a request (from cron) need the "
        "site's address, e.g. SITE_URL=https://intervisie.example.org"
    )


def absolute(path: str, request=None) -> str:
    """A path on this site ("/groups/3/traject/") as the absolute link an email needs."""
    return site_url(request) + path


def send(template: str, to: list[str], context: dict, attachments=()) -> int:
    """Render templates/emails/<template>_subject.txt and <template>.txt and send one message per address.

    Called after the change it reports was saved: a failing mail server is
    logged (template and count, never the content) instead of failing the request.
    """
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    sent = 0
    for address in to:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        try:
            sent += message.send()
        except OSError:
            logger.exception("sending the %s email failed", template)
    return sent
