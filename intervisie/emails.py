"""Sending email: one place, plain text from templates/emails/, translatable.

Emails never carry case content: callers pass only names, dates, places and links.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


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
