"""Where things live (issue 14), checked on the source so that it stays true.

- Roles and page variants are enums of the policy modules: no role is compared or
  assigned as a bare string outside them, the models' choices and the migrations.
- Models never push: no models module imports the broadcast, and only write actions
  and the socket's consumer call the broadcast's push functions.
- The map in docs/architecture.md names files that exist.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("intervisie", "groups", "sessions")
ROLE_NAMES = {"coordinator", "facilitator", "member", "case_owner", "member_pending", "presenter"}
ROLE_KEYWORDS = {"role", "audience", "variant"}
PUSHES = {
    "meeting_changed",
    "command_applied",
    "contributions_changed",
    "presence_changed",
    "access_changed",
    "schedule_presence",
}


def app_sources() -> dict[Path, str]:
    return {
        path.relative_to(ROOT): path.read_text()
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def is_role(node) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ROLE_NAMES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(is_role(element) for element in node.elts)
    return False


def role_strings(source: str) -> list[int]:
    """Lines that compare or assign a role as a string literal."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(is_role(part) for part in [node.left, *node.comparators]):
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            if is_role(node.value):  # (a list of field names, such as the admin's, is no role)
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg in ROLE_KEYWORDS and is_role(node.value):
            lines.append(node.value.lineno)
    return lines


def test_no_role_is_a_bare_string_outside_the_policy_and_the_models_choices():
    allowed = {"policy.py"}
    found = [
        f"{path}:{line}"
        for path, source in app_sources().items()
        if path.name not in allowed and "models" not in path.parts and path.name != "models.py"
        for line in role_strings(source)
    ]
    assert found == [], "use the policy's enums (Audience, Variant, GroupRole):\n" + "\n".join(found)


def test_the_role_finder_finds_a_bare_role():
    source = 'if viewer.audience == "facilitator":\n    x = "member"\nConnection(audience="presenter")\n'
    assert role_strings(source) == [1, 2, 3]
    assert role_strings('select_related("facilitator")\nfields = {"case_owner": 1}\n') == []


def test_no_models_module_imports_the_broadcast():
    for path, source in app_sources().items():
        if "models" in path.parts or path.name == "models.py":
            assert "broadcast" not in source, path


def push_calls(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in PUSHES
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "broadcast"
    ]


def test_only_write_actions_and_the_consumer_push():
    allowed = {Path("sessions/live/consumers.py")}
    found = [
        f"{path}:{line}"
        for path, source in app_sources().items()
        if "actions" not in path.parts and path not in allowed
        for line in push_calls(source)
    ]
    assert found == [], "push from a write action (sessions/actions/):\n" + "\n".join(found)
    assert push_calls("broadcast.meeting_changed(1)\n") == [1]


def test_every_file_the_architecture_map_names_exists():
    text = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"`((?:intervisie|groups|sessions|static|templates|tests|bench)/[\w./-]+)`", text))
    assert len(named) >= 5
    missing = sorted(path for path in named if not (ROOT / path.split("#")[0]).exists())
    assert missing == [], f"docs/architecture.md names files that do not exist: {missing}"
    for question in ("phase rule", "permission", "push", "timer", "email"):
        assert re.search(rf"\|[^|\n]*{question}[^|\n]*\|\s*`[\w./-]+`", text, re.IGNORECASE), question


def test_every_hook_in_the_templates_is_documented():
    doc = (ROOT / "docs" / "testing-hooks.md").read_text()
    hooks = {
        hook
        for path in (ROOT / "templates").rglob("*.html")
        for hook in re.findall(r'testid="([^"]+)"', path.read_text())
    }
    missing = sorted(hook for hook in hooks if f"`{hook}`" not in doc)
    assert missing == [], f"document these hooks in docs/testing-hooks.md: {missing}"


def test_templates_ask_the_policys_flags_instead_of_comparing_roles():
    compared = re.compile(
        r"\b(variant|audience|role)\s*[!=]=\s*[\"']|[\"'](?:" + "|".join(ROLE_NAMES) + r")[\"']\s+in\s+roles"
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if compared.search(line)
    ]
    assert found == [], (
        "give the template a flag from the policy (for_facilitator, access.is_member …):\n" + "\n".join(found)
    )
