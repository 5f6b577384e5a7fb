import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_user


@pytest.fixture
def coordinator(db, group):
    """A coordinator of the persona group: the permission, and the group in their care."""
    user = make_user("coordinator@example.org", "Corinne")
    user.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(db):
    user = make_user("coordinator2@example.org", "Otto")
    user.user_permissions.add(Permission.objects.get(codename="coordinate"))
    return user
