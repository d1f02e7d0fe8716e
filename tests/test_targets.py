"""The outputs' shape: one interface, a registry, and no output reaching into another.

These read the package's own source (its import statements), so a later change that makes the
EPUB import the PDF target, or ``build()`` name a target, fails here with the module it added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from treatypress.booksettings import load_settings
from treatypress.targets import registry
from treatypress.targets.base import PrintUse

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "treatypress"
TARGETS = PACKAGE / "targets"
# modules of targets/ that every output may use: the interface, the registry, and helpers that
# belong to no output (zip archives, cover drawing, font subsetting, live links)
SHARED = {"__init__", "base", "registry", "archive", "cover", "fontsubset", "links"}


def _sibling_imports(path: Path) -> set[str]:
    """The modules of targets/ that ``path`` imports (``from . import x``, ``from .x import y``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def _closure(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen or not (TARGETS / f"{name}.py").is_file():
            continue
        seen.add(name)
        todo.extend(_sibling_imports(TARGETS / f"{name}.py"))
    return seen


def _module(name: str) -> str:
    return registry._TARGETS[name].partition(":")[0]


@pytest.mark.parametrize("name", registry.FORMATS)
def test_each_registered_target_answers_its_name_and_says_what_it_needs(name: str) -> None:
    target = registry.target(name)
    assert target.name == name
    config = load_settings(PACKAGE.parents[1]).config  # the default book's settings
    assert config is not None
    assert isinstance(target.print_use(config), PrintUse)


def test_exactly_one_target_provides_the_print_edition() -> None:
    providers = [name for name in registry.FORMATS if registry.target(name).provides_print]
    assert providers == ["pdf"]
    assert registry.print_provider().name == "pdf"


@pytest.mark.parametrize("name", registry.FORMATS)
def test_no_target_imports_another(name: str) -> None:
    own = _closure(_module(name)) - SHARED
    for other in registry.FORMATS:
        if other != name:
            shared = own & (_closure(_module(other)) - SHARED)
            assert not shared, (
                f"the {name} and {other} targets both import targets/{sorted(shared)}: "
                "pass shared work in through Work, or move it out of targets/"
            )


def test_build_names_no_target() -> None:
    owned = set().union(*(_closure(_module(name)) for name in registry.FORMATS)) - SHARED
    for node in ast.walk(ast.parse((PACKAGE / "build.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and (node.module or "").startswith("targets"):
            named = {(node.module or "").partition(".")[2]} | {alias.name for alias in node.names}
            assert not named & owned, f"build.py imports {sorted(named & owned)}: walk the registry instead"
    source = (PACKAGE / "build.py").read_text(encoding="utf-8")
    for name in registry.FORMATS:  # formats appear only as data from the registry
        assert f'"{name}"' not in source, f"build.py names the {name} format itself"


def test_the_pdf_tools_import_no_target() -> None:
    """pdf/ is the toolbox the PDF target uses (layout loop, join, labels): it never reaches back."""
    for path in sorted((PACKAGE / "pdf").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert not (node.module or "").startswith("targets"), f"pdf/{path.name} imports {node.module}"
