"""The package's layout: no module imports another that imports it back (at the top of the
module, where a cycle would bite), so that each part can be read on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import qingpu_cli

PACKAGE = Path(qingpu_cli.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, at its top level."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                named |= {c for c in candidates if c in modules and c != name}
            elif isinstance(node, ast.Import):
                named |= {a.name for a in node.names if a.name in modules}
        found[name] = named
    return found


def test_no_module_imports_itself_through_another() -> None:
    graph = _imports()
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            current = stack.pop()
            assert current != start, f"{start} imports itself through {sorted(seen)}"
            if current not in seen:
                seen.add(current)
                stack.extend(graph.get(current, ()))
