"""kaohe's layers, and a check of the import graph against them.

    lib → engine → orgs → audit → notifications → documents → assessment → results | projects | monitor
        → supervision | commitments → enterprise | attraction → reports → web | api

A package may import the packages of lower layers and never one of a higher layer or a
sibling on its own layer — not even inside a function, where a cycle hides best. Every
import under ``kaohe/`` counts (migrations excepted: Django orders them by their own
dependencies). The top-level modules (settings, urls, the CLI, the management commands)
sit above everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kaohe"

#: Lowest first; packages in one tuple are siblings and may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("lib",),
    ("engine",),
    ("orgs",),
    ("audit",),
    ("notifications",),  # the one inbox every module above tells people through
    ("documents",),  # 公文: GB/T 9704 documents, their numbers (发文字号) and the issued register
    ("assessment",),
    ("results", "projects", "monitor"),
    ("supervision", "commitments"),  # 督查督办 and 公开承诺; both may take work from the layer below
    ("enterprise", "attraction"),  # 企业诉求 escalates to supervision; 招商 hands projects to projects
    ("reports",),
    ("web", "api"),
    ("management", "cli", "settings", "settings_check", "urls", "wsgi", "asgi", "apps"),
)
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}
TOP = len(LAYERS) - 1  # the project's own modules: they wire everything and may import each other


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported kaohe package, line) for every absolute or relative import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package_parts[: len(package_parts) - node.level]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kaohe" and len(parts) > 1:
                found.append((parts[1], node.lineno))
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts or rel.name == "__init__.py" and len(rel.parts) == 1:
            continue
        yield path, rel.parts[0].removesuffix(".py")


def test_every_package_under_kaohe_has_a_declared_layer():
    undeclared = sorted({own for _, own in _modules()} - set(LEVEL))
    assert undeclared == [], f"declare the layer of {undeclared} in tests/test_layers.py LAYERS"


def test_no_package_imports_a_higher_layer_or_a_sibling():
    wrong = []
    for path, own in _modules():
        if own not in LEVEL:
            continue  # reported by the test above
        for target, line in _imports(path):
            if target == own or target not in LEVEL:
                continue
            if LEVEL[target] > LEVEL[own] or (LEVEL[target] == LEVEL[own] and LEVEL[own] != TOP):
                relation = "a sibling" if LEVEL[target] == LEVEL[own] else "a higher layer"
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports kaohe.{target} ({relation})")
    assert wrong == []


def _engine_reach() -> set[Path]:
    """Every module of kaohe that importing the engine can load (the engine and the lib modules it uses)."""
    seen: set[Path] = set()
    todo = sorted((PACKAGE / "engine").rglob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kaohe.lib"):
                target = PACKAGE.parent.joinpath(*node.module.split("."))
                todo += [p for p in (target.with_suffix(".py"), target / "__init__.py") if p.exists()]
    return seen


def test_the_engine_and_the_lib_modules_it_uses_import_no_django():
    offenders = []
    for path in sorted(_engine_reach()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            offenders += [f"{path.relative_to(PACKAGE.parent)}: {n}" for n in names
                          if n.split(".")[0] in ("django", "ninja")]
    assert offenders == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from kaohe.results import models\n", [("results", 1)]),
    ("def f():\n    import kaohe.web.formatting\n", [("web", 2)]),
    ("from ..orgs.models import OrgUnit\n", [("orgs", 1)]),
])
def test_the_checker_sees_module_function_level_and_relative_imports(tmp_path, monkeypatch, source, expected):
    module = PACKAGE / "assessment" / "_layer_probe.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert _imports(module) == expected
