"""The arrows of src/unionhall point one way (DESIGN.md, docs/architecture.md).

Every ``import`` and ``from ... import`` in every file is counted, wherever it
stands: at the top, inside a function, under ``if TYPE_CHECKING``. A
function-local import hides a cycle from Python's loader, not from this test.
Migrations are left out: Django loads them on its own, by app label.

Two graphs are built. Modules: ``unionhall.ballots.casting`` imports
``unionhall.ballots.roll``. Apps: a module's first two dotted parts, so
``unionhall.ballots`` imports ``unionhall.members``; the top-level modules
(``unionhall.views``, ``unionhall.urls``, ``unionhall.management`` with the
demo command) are the project, which may import apps but is imported by none.
Neither graph may hold a cycle.

Models are shared on one rule: the register (``members.models``), the audit
log (``audit.models``) and the outbox (``outbox.models``, every message sent)
are the foundation every app builds on (DESIGN.md) and may be imported by any
app; any other app's models are its own. A model that points
at another app's row names it by a lazy string (``"ballots.Ballot"``), so even
a ForeignKey needs no import; and the engine is read through ``ballots.api``.
"""

import ast
import pathlib
from collections import defaultdict


SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
PACKAGE = "unionhall"
# The foundation every app may use, models and all (DESIGN.md: members, audit, the outbox);
# the ballot engine may use nothing else among the apps, and the register only the other two.
FOUNDATION = {"unionhall.members", "unionhall.audit", "unionhall.outbox"}
SHARED_MODELS = {f"{app}.models" for app in FOUNDATION}
BUILT_ON_THE_ENGINE = {"unionhall.elections", "unionhall.conference", "unionhall.mandates", "unionhall.bulletins"}


def find_modules(src: pathlib.Path = SRC) -> dict[str, pathlib.Path]:
    """Every module of the package by dotted name, migrations left out."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported_by(module: str, path: pathlib.Path, known: set[str], source: str | None = None) -> set[str]:
    """The known modules ``module`` imports anywhere in its file. ``from a.b
    import c`` counts ``a.b`` and, when it is a module, ``a.b.c``; a name
    that is not a module counts as the module that holds it."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (package[: len(package) - node.level + 1] if node.level else []) + ([node.module] if node.module else [])
            head = ".".join(base)
            names = [head, *(f"{head}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def app_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def is_app(unit: str) -> bool:
    """An installed app (a package with apps.py), not a top-level module of the project."""
    return unit != PACKAGE and (SRC / unit.replace(".", "/") / "apps.py").exists()


def module_graph() -> dict[str, set[str]]:
    modules = find_modules()
    return {module: imported_by(module, path, set(modules)) for module, path in modules.items()}


def app_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    apps = defaultdict(set)
    for module, targets in modules.items():
        for target in targets:
            if app_of(module) != app_of(target):
                apps[app_of(module)].add(app_of(target))
    return dict(apps)


def tangles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan),
    each sorted: every one holds at least one cycle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first member, to print: a -> b -> a."""
    inside, start = set(component), component[0]
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == start:
                return [*path, start]
            if nxt in inside and nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return component


def describe(graph: dict[str, set[str]], components: list[list[str]]) -> str:
    return "\n".join(f"{len(c)} tangled: {', '.join(c)}\n  for example {' -> '.join(one_cycle(graph, c))}" for c in components)


def test_the_walker_counts_imports_inside_functions_relative_ones_and_names_from_modules():
    """Without this, a walker that missed function-local imports would pass the real tree."""
    known = {"unionhall.ballots", "unionhall.ballots.roll", "unionhall.ballots.casting", "unionhall.mandates.services", "unionhall.members.models"}
    source = (
        "from . import roll\n"
        "def later():\n"
        "    from unionhall.mandates.services import statutory_blockers\n"
        "    import unionhall.members.models\n"
    )
    path = SRC / PACKAGE / "ballots" / "casting.py"
    assert imported_by("unionhall.ballots.casting", path, known, source) == {
        "unionhall.ballots", "unionhall.ballots.roll", "unionhall.mandates.services", "unionhall.members.models"
    }  # fmt: skip


def test_the_cycle_finder_finds_a_loop_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert tangles(graph) == [["a", "b", "c"]]
    assert one_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert tangles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_unionhall_imports_itself_round_a_cycle():
    graph = module_graph()
    assert len(graph) > 50, "the walker found too few modules: is SRC right?"
    found = tangles(graph)
    assert not found, "Import cycles between modules (counting imports inside functions):\n" + describe(graph, found)


def test_no_app_imports_itself_round_a_cycle():
    graph = app_graph(module_graph())
    found = tangles(graph)
    assert not found, "Import cycles between apps (counting imports inside functions):\n" + describe(graph, found)


def test_the_ballot_engine_imports_no_app_but_the_foundation():
    """Elections, conference and mandates build on ballots, never the other way:
    a rule profile plugs in through ballots.hooks at start-up."""
    apps = app_graph(module_graph())
    engine = {app for app in apps.get("unionhall.ballots", set()) if is_app(app)}
    assert not engine & BUILT_ON_THE_ENGINE, f"ballots imports {sorted(engine & BUILT_ON_THE_ENGINE)}"
    assert engine <= FOUNDATION, f"ballots imports the apps {sorted(engine - FOUNDATION)}"


def test_the_register_imports_no_app_but_the_rest_of_the_foundation():
    apps = app_graph(module_graph())
    installed = {app for app in apps.get("unionhall.members", set()) if is_app(app)}
    assert installed <= FOUNDATION, f"members imports {sorted(installed - FOUNDATION)}"


def test_no_app_imports_another_apps_models_but_the_foundations():
    offences = []
    for module, targets in module_graph().items():
        if not is_app(app_of(module)):
            continue  # the project (views, the demo command) may
        for target in targets:
            parts = target.split(".")
            if len(parts) >= 3 and parts[2] == "models" and app_of(target) != app_of(module) and target not in SHARED_MODELS:
                offences.append(f"{module} imports {target}")
    assert not offences, "Use the other app's published interface (for ballots: ballots.api):\n" + "\n".join(sorted(offences))


def test_every_app_uses_the_engine_only_through_its_api_and_its_shared_form():
    """Elections, conference, mandates, and any app to come (bargaining)."""
    allowed = {"unionhall.ballots", "unionhall.ballots.api", "unionhall.ballots.forms"}
    offences = [
        f"{module} imports {target}"
        for module, targets in module_graph().items()
        if app_of(module) != "unionhall.ballots" and is_app(app_of(module))
        for target in targets
        if app_of(target) == "unionhall.ballots" and target not in allowed
    ]
    assert not offences, "Go through ballots.api:\n" + "\n".join(sorted(offences))
