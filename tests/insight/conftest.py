from tests.traject.conftest import coordinator, other_coordinator  # noqa: F401 -- a coordinator of the group
