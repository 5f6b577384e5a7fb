"""Passwords in the app's own voice: Django's validators and password form, saying "je".

Django's Dutch addresses the reader formally; the app says "je" everywhere, so the
texts a person reads while choosing a password are the app's own. The rules are Django's.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d teken.",
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Je wachtwoord heeft minstens %(min_length)d teken.",
            "Je wachtwoord heeft minstens %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("Dit wachtwoord lijkt te veel op je %(verbose_name)s.")

    def get_help_text(self):
        return _("Je wachtwoord mag niet te veel lijken op je naam of je e-mailadres.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("Dit wachtwoord gebruiken te veel mensen; kies een ander.")

    def get_help_text(self):
        return _("Je wachtwoord mag geen veelgebruikt wachtwoord zijn.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": gettext_lazy("Je huidige wachtwoord klopt niet. Probeer het opnieuw."),
    }
