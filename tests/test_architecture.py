"""Architecture rules: the import-linter contracts in pyproject.toml hold, and no module imports
itself back through others (no import cycles, function-level imports included)."""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own virtualenv's tool, constant arguments)
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_import_contract_is_kept():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path):
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "tracker"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "A contract this code breaks"\ntype = "forbidden"\n'
        'source_modules = ["tracker.nlp.pipeline"]\n'
        'forbidden_modules = ["tracker.nlp.normalize"]\n'
    )
    result = lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph("tracker", cache_dir=None)
    cycles = [
        f"{module} -> {imported}"
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


def test_the_projects_own_modules_are_imported_at_module_level():
    """Outside AppConfig.ready (models load only then), an import inside a function would hide a
    dependency from the contracts; no cycle needs one."""
    import ast

    deferred = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.name == "ready" and path.name == "apps.py":
                continue
            for inner in ast.walk(node):
                names = (
                    [inner.module or ""]
                    if isinstance(inner, ast.ImportFrom)
                    else [alias.name for alias in inner.names]
                    if isinstance(inner, ast.Import)
                    else []
                )
                if any(name == "tracker" or name.startswith("tracker.") for name in names):
                    deferred.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not deferred, deferred
