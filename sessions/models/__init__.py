"""The app's models, one module per capability; every class is importable from here (and the
migrations refer to the callables below by this path)."""

from .cases import Case, CaseVote, Contribution, Evaluation
from .meeting import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    CommandNotAllowed,
    Connection,
    JoinRequest,
    Meeting,
    PhaseTransition,
    StaleVersion,
    new_check_code,
    new_join_code,
)
from .methods import CaseOwnerMode, ContributionKind, Method, MethodPhase, PhaseStep, localized
from .traject import Attendance, CalendarFeed, SignalNotice, new_feed_token

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Attendance",
    "CalendarFeed",
    "Case",
    "CaseOwnerMode",
    "CaseVote",
    "CommandNotAllowed",
    "Connection",
    "Contribution",
    "ContributionKind",
    "Evaluation",
    "JoinRequest",
    "Meeting",
    "Method",
    "MethodPhase",
    "PhaseStep",
    "PhaseTransition",
    "SignalNotice",
    "StaleVersion",
    "localized",
    "new_check_code",
    "new_feed_token",
    "new_join_code",
]
