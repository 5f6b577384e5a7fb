"""Logging in with an email address, and a limit on failed attempts.

A whole group logs in from one Wi-Fi within a minute, so only failures count.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordResetView
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from . import emails
from .limits import address, over_limit


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


def _failure_counters(request, username: str) -> list[tuple[str, int]]:
    """(cache key, limit) pairs: per account from one address, and per address.

    Counting an account per address means nobody elsewhere can lock the
    facilitator out before a meeting; the per-address limit is high because a
    whole organisation may share one address.
    """
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    account = username.strip().lower()
    return [
        (f"login-fail:{account}:{address}", settings.LOGIN_FAILURE_LIMIT),
        (f"login-fail:addr:{address}", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
        # Whatever address a guesser claims, one account gets this many failures in all.
        (f"login-fail:account:{account}", settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT),
    ]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Dit e-mailadres en wachtwoord horen niet bij elkaar."),
        "too_many": _(
            "Te veel mislukte pogingen met dit e-mailadres. Probeer het over een kwartier opnieuw, "
            "of vraag een nieuw wachtwoord aan."
        ),
        "too_many_here": _(
            "Vanaf dit netwerk mislukken te veel aanmeldingen, ook met dit e-mailadres. Probeer het "
            "over een kwartier opnieuw, of vraag een nieuw wachtwoord aan."
        ),
    }

    def clean(self):
        """Refused for the account's own failures; for its network's failures only when the
        account failed there too: whoever fills a shared Wi-Fi with wrong guesses on made-up
        addresses cannot lock out the group that logs in with the right passwords."""
        username = self.cleaned_data.get("username") or ""
        counters = _failure_counters(self.request, username)
        (own, own_limit), (here, here_limit), (everywhere, everywhere_limit) = counters
        if cache.get(own, 0) >= own_limit or cache.get(everywhere, 0) >= everywhere_limit:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        if cache.get(here, 0) >= here_limit and cache.get(own, 0):
            raise forms.ValidationError(self.error_messages["too_many_here"], code="too_many_here")
        try:
            return super().clean()
        except forms.ValidationError:
            for key, _limit in counters:
                cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW)
                cache.incr(key)
            raise


class LimitedPasswordResetView(PasswordResetView):
    """Password reset requests, limited per address and per email address (no mail bombing)."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if over_limit(
            f"reset:{address(self.request)}", *settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        ) or over_limit(f"reset:{email}", *settings.PASSWORD_RESET_LIMIT):
            form.add_error(None, _("Er zijn te veel aanvragen gedaan. Probeer het over een uur opnieuw."))
            return self.form_invalid(form)
        # The link in the email: from SITE_URL, not the Host header the request came with.
        self.extra_email_context = {"site_url": emails.site_url(self.request)}
        return super().form_valid(form)
