"""Personas and the meeting they share, for every test."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from groups.models import IntervisionGroup, Membership
from sessions.models import Meeting, Method

pytest_plugins = ["tests.personas"]  # the `world` of every persona

zesfasenmodel_migration = importlib.import_module("sessions.migrations.0002_zesfasenmodel")
zesfasenmodel_rules = importlib.import_module("sessions.migrations.0006_zesfasenmodel_rules")
methods_library = importlib.import_module("sessions.migrations.0010_methods_library")


def pytest_collection_modifyitems(items):
    """Browser tests run last: while Chromium runs, an event loop holds this thread."""
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: bool(item.get_closest_marker("browser")))


@pytest.fixture(autouse=True)
def fast_passwords(request, settings):
    if request.node.get_closest_marker("browser"):
        return  # the server in the other process must be able to check the passwords
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_limit_counters():
    """Abuse-limit counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def method(db) -> Method:
    """The zesfasenmodel (and the library); recreated after a transactional test flushed the tables."""
    zesfasenmodel_migration.create(apps, None)
    zesfasenmodel_rules.apply(apps, None)
    methods_library.create(apps, None)
    return Method.objects.get(key="zesfasenmodel")


def make_user(email: str, first_name: str, last_name: str = "Tester"):
    return get_user_model().objects.create_user(
        username=email, email=email, password="secret-pass-123", first_name=first_name, last_name=last_name
    )


@pytest.fixture
def group(db) -> IntervisionGroup:
    return IntervisionGroup.objects.create(name="Testgroep")


# The fixtures' people have been in the group for a year: they see every meeting's content
# (who joined later sees none of the earlier meetings: groups.policy.case_content_since).
LONG_AGO = timezone.now() - timedelta(days=365)


@pytest.fixture
def facilitator(group):
    user = make_user("begeleider@example.org", "Marieke")
    Membership.objects.create(group=group, user=user, role=Membership.Role.FACILITATOR, joined_at=LONG_AGO)
    return user


@pytest.fixture
def members(group):
    names = ["Anna", "Bram", "Chantal", "Daan", "Eva"]
    users = [make_user(f"lid{i}@example.org", name) for i, name in enumerate(names, start=1)]
    for user in users:
        Membership.objects.create(group=group, user=user, joined_at=LONG_AGO)
    return users


@pytest.fixture
def member(members):
    return members[0]


@pytest.fixture
def case_owner(members):
    return members[1]


@pytest.fixture
def outsider(db):
    return make_user("buiten@example.org", "Bas")


@pytest.fixture
def other_group_member(db):
    other = IntervisionGroup.objects.create(name="Andere groep")
    user = make_user("ander@example.org", "Olga")
    Membership.objects.create(group=other, user=user)
    return user


@pytest.fixture
def coordinator(db):
    return make_user("coordinator@example.org", "Corinne")


@pytest.fixture
def meeting(group, facilitator, members, method) -> Meeting:
    start = timezone.now().replace(microsecond=0)
    return Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
