"""The project's modules import each other without circles, and not from inside a function.

The restructuring of issue 14 moves modules into subpackages. It must leave no import circle
between the project's own modules, and must not dodge one with an import inside a function
body (only an `apps.py` may import there: Django's `AppConfig.ready()` imports the signals).
Checked statically with `ast`: no module is imported.
"""

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("intervisie", "groups", "sessions")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def project_sources() -> dict[str, str]:
    """{dotted module name: source}; a package's init is named `package.__init__`."""
    sources = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" not in relative.parts:
                sources[".".join(relative.parts)] = path.read_text(encoding="utf-8")
    return sources


def _is_type_checking(test: ast.expr) -> bool:
    return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"


def _imports(nodes, in_function=False):
    """(import node, whether inside a function), leaving out `if TYPE_CHECKING:` bodies."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, in_function)
        else:
            yield from _imports(ast.iter_child_nodes(node), in_function or isinstance(node, FUNCTIONS))


def _targets(module: str, node: ast.Import | ast.ImportFrom, modules: set[str]) -> list[str]:
    """The project modules an import statement imports; `name` of `from pkg import name` if a module."""

    def known(name: str) -> str | None:
        return next((m for m in (name, f"{name}.__init__") if m in modules), None)

    if isinstance(node, ast.Import):
        return [m for alias in node.names if (m := known(alias.name))]
    base = node.module or ""
    if node.level:
        package = module.split(".")[: -node.level]  # `a.b.__init__` and `a.b.c` both live in `a.b`
        base = ".".join(package + ([node.module] if node.module else []))
    found = [known(f"{base}.{alias.name}") or known(base) for alias in node.names]
    return sorted({m for m in found if m})


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module-level imports between the given modules: {module: the modules it imports}."""
    modules = set(sources)
    graph = {}
    for module, source in sources.items():
        nodes = [node for node, in_function in _imports([ast.parse(source)]) if not in_function]
        graph[module] = {t for node in nodes for t in _targets(module, node, modules)} - {module}
    return graph


def _shortest_circle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    parents, queue = {}, deque([start])
    while queue:
        node = queue.popleft()
        for following in sorted(graph.get(node, ())):
            if following == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return path[::-1]
            if following not in parents:
                parents[following] = node
                queue.append(following)
    return None


def import_circles(sources: dict[str, str]) -> list[str]:
    """The shortest circle through each module on one, as `a -> b -> a`."""
    graph, circles = import_graph(sources), set()
    for module in graph:
        if circle := _shortest_circle(graph, module):
            first = circle.index(min(circle))
            circle = circle[first:] + circle[:first]
            circles.add(" -> ".join([*circle, circle[0]]))
    return sorted(circles)


def imports_inside_functions(sources: dict[str, str]) -> list[str]:
    """Imports of a project module inside a function body, outside `apps.py`."""
    modules, found = set(sources), []
    top_levels = {module.split(".")[0] for module in modules}
    for module, source in sources.items():
        if module.rsplit(".", 1)[-1] == "apps":
            continue
        for node, in_function in _imports([ast.parse(source)]):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            project = getattr(node, "level", 0) or any(n.split(".")[0] in top_levels for n in names)
            if in_function and project:
                imported = ", ".join(_targets(module, node, modules)) or ast.unparse(node)
                found.append(f"{module} line {node.lineno} imports {imported} inside a function")
    return found


def test_there_is_no_import_circle_between_the_projects_modules():
    circles = import_circles(project_sources())
    assert not circles, "Import circles between the project's modules:\n" + "\n".join(circles)


def test_no_project_module_is_imported_inside_a_function():
    found = imports_inside_functions(project_sources())
    assert not found, "Project modules imported inside a function:\n" + "\n".join(found)


def test_the_circle_finder_finds_a_circle():
    sources = {
        "a.__init__": "",
        "a.one": "from typing import TYPE_CHECKING\nfrom . import two\n"
        "if TYPE_CHECKING:\n    from .three import T\n",
        "a.two": "import json\nfrom .one import thing\n",
        "a.three": "from a.one import thing\n",
    }
    assert import_circles(sources) == ["a.one -> a.two -> a.one"]
    assert import_graph(sources)["a.three"] == {"a.one"}


def test_the_finder_reports_an_import_inside_a_function_but_not_in_apps():
    sources = {
        "a.__init__": "",
        "a.one": "def f():\n    import json\n    from . import two\n",
        "a.two": "",
        "a.apps": "class Config:\n    def ready(self):\n        from . import two\n",
    }
    assert imports_inside_functions(sources) == ["a.one line 3 imports a.two inside a function"]
