"""Benchmark data: a fresh SQLite database with M meetings of 8 members each.

Everything is created with the ORM in bulk. Nobody logs in: every user gets a
database session with Django's auth keys, so each socket and each command can
carry a `sessionid` cookie without hashing a single password.
"""

import os
import string
from dataclasses import dataclass
from datetime import timedelta

MEMBERS_PER_MEETING = 8
AUTH_BACKEND = "intervisie.auth.EmailBackend"


@dataclass
class MeetingData:
    pk: int
    facilitator_session: str
    member_sessions: list[str]


def setup_django(database_url: str) -> None:
    """Point Django at the benchmark database (before anything imports models)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervisie.settings")
    import django

    django.setup()


def create(meetings: int) -> tuple[list[MeetingData], list[str]]:
    """Migrate, then create the groups, meetings and sessions; return them and the phase keys."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from groups.models import IntervisionGroup, Membership
    from sessions.models import Meeting, Method

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    method = Method.objects.get(key="zesfasenmodel")
    phases = list(method.phases.values_list("key", flat=True))
    unusable = make_password(None)
    now = timezone.now()

    with transaction.atomic():
        groups = IntervisionGroup.objects.bulk_create(
            [IntervisionGroup(name=f"Benchgroep {n:03d}") for n in range(meetings)]
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench{n:03d}-{i}@example.org",
                    email=f"bench{n:03d}-{i}@example.org",
                    first_name=f"Lid{i}",
                    password=unusable,
                )  # fmt: skip
                for n in range(meetings)
                for i in range(MEMBERS_PER_MEETING + 1)
            ]
        )
        per_group = MEMBERS_PER_MEETING + 1  # the facilitator first, then the members
        memberships, rows = [], []
        for n, group in enumerate(groups):
            people = users[n * per_group : (n + 1) * per_group]
            memberships.append(Membership(group=group, user=people[0], role=Membership.Role.FACILITATOR))
            memberships += [Membership(group=group, user=person) for person in people[1:]]
            rows.append(
                Meeting(
                    group=group,
                    facilitator=people[0],
                    method=method,
                    scheduled_start=now,
                    scheduled_end=now + timedelta(hours=2),
                )
            )
        Membership.objects.bulk_create(memberships)
        meeting_rows = Meeting.objects.bulk_create(rows)

        store = SessionStore()
        keys = {}
        sessions = []
        for user in users:
            key = get_random_string(32, string.ascii_lowercase + string.digits)
            data = {
                "_auth_user_id": str(user.pk),
                "_auth_user_backend": AUTH_BACKEND,
                "_auth_user_hash": user.get_session_auth_hash(),
            }
            keys[user.pk] = key
            sessions.append(
                Session(session_key=key, session_data=store.encode(data), expire_date=now + timedelta(days=1))
            )
        Session.objects.bulk_create(sessions)

    result = []
    for n, meeting in enumerate(meeting_rows):
        people = users[n * per_group : (n + 1) * per_group]
        result.append(MeetingData(meeting.pk, keys[people[0].pk], [keys[p.pk] for p in people[1:]]))
    connections.close_all()
    return result, phases


def deadlines() -> dict[int, int | None]:
    """Every meeting's phase deadline in epoch ms, straight from the database."""
    from django.db import connections

    from sessions.models import Meeting

    result = {
        pk: int(deadline.timestamp() * 1000) if deadline else None
        for pk, deadline in Meeting.objects.values_list("pk", "phase_deadline")
    }
    connections.close_all()
    return result
