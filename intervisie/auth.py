"""Logging in with an email address, and a limit on failed attempts.

A whole group logs in from one Wi-Fi within a minute, so only failures count.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        User = get_user_model()
        user = User.objects.filter(email__iexact=username.strip()).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as for a real user: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _failure_keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Dit e-mailadres en wachtwoord horen niet bij elkaar."),
        "too_many": _(
            "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw, "
            "of vraag een nieuw wachtwoord aan."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = _failure_keys(self.request, username)
        if any(cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT for key in keys):
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            return super().clean()
        except forms.ValidationError:
            for key in keys:
                cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW)
                cache.incr(key)
            raise
