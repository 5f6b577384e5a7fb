"""Re-encrypt all case content with the first of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first (the old one after it), deploy, run this
command, then drop the old key. Safe to run again; docs/security.md.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from intervisie.crypto import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt all case content with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = reencrypt_all(apps)
        self.stdout.write(f"{written} row(s) re-encrypted with the first key")
