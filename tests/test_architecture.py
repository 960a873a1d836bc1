"""The rules that keep the code whole (README «Architecture»), checked on the source itself:
imports point one way, and no module outside migrations grows past 500 lines."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "onewindow"
# Lower floors never import higher ones. The ground floor's apps may import each other.
FLOORS = [
    {"common"},
    {"workdays", "org", "accounts", "documents", "exchange"},
    {"catalog"},
    {"mandates"},
    {"cases"},
    {"supervision", "webhooks"},
    {"reform"},
    {"portal"},
    {"web"},
    {"demo", "testing"},
]
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}
MAX_LINES = 500


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "migrations" in parts:
            continue
        yield parts, path


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m.split(".")[1] for m in found if m.startswith("onewindow.") and m.count(".") >= 1}


def test_every_app_has_a_floor():
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - {"templates", "static", "locale"} <= set(FLOOR)


def test_imports_point_one_way():
    wrong = []
    for parts, path in _modules():
        if len(parts) < 2 or parts[0] not in FLOOR or "tests" in parts:
            continue
        app = parts[0]
        for other in _imports(path) - {app}:
            if other in FLOOR and (
                FLOOR[other] > FLOOR[app] or (FLOOR[other] == FLOOR[app] and FLOOR[app] > 1)
            ):
                wrong.append(f"{'/'.join(parts)} imports {other}")
    assert wrong == []


def test_no_module_is_over_500_lines():
    long = [
        f"{'/'.join(parts)}: {n}"
        for parts, path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []
