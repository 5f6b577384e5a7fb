"""The app speaks Dutch with "je", Django's own messages included (Django's Dutch says "u")."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Invitation
from tests.conftest import client_for, make_user

ROOT = Path(__file__).resolve().parent.parent
FORMAL = re.compile(r"\b(u|uw|U|Uw)\b")
# What people type, not what the app says: the question coach recognises the formal forms too.
PEOPLE_TYPE = {Path("sessions/cases/coach.py"), Path("tests/cases/coach_questions.py")}


def text(response) -> str:
    """What a person reads on the page: the text without tags, scripts and attribute values."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_no_template_or_python_text_says_u():
    found = []
    for path in [*(ROOT / "templates").rglob("*.*"), *ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts or "migrations" in path.parts or path.suffix not in {".html", ".txt", ".py"}:
            continue
        if path.relative_to(ROOT) in PEOPLE_TYPE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for string in re.findall(r'"([^"{}]*)"', line) if path.suffix == ".py" else [line]:
                if FORMAL.search(re.sub(r"{[^}]*}", " ", string)) and " " in string:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {string.strip()[:80]}")
    assert found == []


def test_the_password_change_page_is_the_apps_own_and_says_je(member):
    client = client_for(member)
    page = client.get(reverse("password_change"))
    assert "Django" not in text(page)  # not the admin's page
    assert "Je wachtwoord heeft minstens 8 tekens." in text(page)
    response = client.post(
        reverse("password_change"),
        {"old_password": "fout", "new_password1": "anna1234", "new_password2": "anna1234"},
    )
    shown = text(response)
    assert "Je huidige wachtwoord klopt niet." in shown
    assert not FORMAL.search(shown), shown
    response = client.post(
        reverse("password_change"),
        {"old_password": "secret-pass-123", "new_password1": "anna", "new_password2": "anna"},
    )
    shown = text(response)
    assert "Dit wachtwoord is te kort: gebruik minstens 8 tekens." in shown
    assert "Dit wachtwoord lijkt te veel op je voornaam." in shown
    assert not FORMAL.search(shown), shown
    assert 'value="anna"' not in response.content.decode()  # passwords are never sent back


def test_a_changed_password_lands_on_the_apps_own_page(member):
    client = client_for(member)
    data = {
        "old_password": "secret-pass-123",
        "new_password1": "nieuw-en-lang-42",
        "new_password2": "nieuw-en-lang-42",
    }
    response = client.post(reverse("password_change"), data, follow=True)
    assert "Je wachtwoord is opgeslagen" in text(response)
    assert "Django" not in text(response)


def test_choosing_a_password_from_an_invitation_says_je(group):
    user = make_user("nina@example.org", "Nina")
    user.set_unusable_password()
    user.save()
    invitation = Invitation.objects.create(group=group, email=user.email, name="Nina")
    url = reverse("groups:accept-invitation", args=[invitation.token])
    response = Client().post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    shown = text(response)
    assert "Dit wachtwoord gebruiken te veel mensen; kies een ander." in shown
    assert not FORMAL.search(shown), shown


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password_reset/"])
def test_a_form_without_its_csrf_cookie_is_refused_in_dutch_with_je(path, db):
    response = Client(enforce_csrf_checks=True).post(path, {"username": "x@example.org", "password": "x"})
    assert response.status_code == 403
    shown = text(response)
    assert "Ga terug, laad de pagina opnieuw" in shown
    assert not FORMAL.search(shown), shown
