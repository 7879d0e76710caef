"""The outbox imports no app built on it: members' sign-in mail goes through
the outbox, so an import of members from the outbox would be a cycle."""

import ast
from pathlib import Path

import unionhall.outbox

# The leaf modules it may use (they import no app), and the audit log under it.
ALLOWED = {"unionhall.outbox", "unionhall.audit", "unionhall.sms", "unionhall.refusals", "unionhall.env", "unionhall.personal_data", "unionhall.bulk"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "unionhall" and node.level == 0:
            found |= {f"unionhall.{alias.name}" for alias in node.names}  # from unionhall import personal_data
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_outbox_imports_nothing_of_members_or_any_other_app():
    package = Path(unionhall.outbox.__file__).parent
    for path in package.rglob("*.py"):
        for module in imported_modules(path):
            if module.startswith("unionhall"):
                assert any(module == allowed or module.startswith(allowed + ".") for allowed in ALLOWED), f"{path.relative_to(package)} imports {module}"
