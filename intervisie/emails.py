"""Sending email: one place, plain text from templates/emails/, translatable.

Emails never carry case content: callers pass only names, dates, places and links.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def send(template: str, to: list[str], context: dict, attachments=()) -> int:
    """Render templates/emails/<template>_subject.txt and <template>.txt and send one message per address."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    sent = 0
    for address in to:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
        sent += message.send()
    return sent
