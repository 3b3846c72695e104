"""The engine is a pure library: nothing under kaohe/engine may import Django."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "kaohe" / "engine"


def test_no_module_under_kaohe_engine_imports_django():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "django" or n.startswith("django.")
                          or n.startswith("ninja")]
    assert offenders == []
