"""Three things WeasyPrint 70's PDF tagging leaves out, added while the tags are written:

* ``/Lang`` on the structure element of every element with a ``lang`` attribute, so a screen
  reader switches voice for ``[Wilno]{lang=pl}`` (PDF/UA-1, 7.2; WeasyPrint writes only the
  document's ``/Lang``);
* footnote bodies tagged ``/Note`` with an ``/ID``, rather than ``/Span`` (PDF/UA-1, 7.9);
* the element holding a link annotation tagged ``/Link`` (PDF/UA-1, 7.18.5): WeasyPrint tags
  only ``<a>`` so, and the links between a note's call and its number (``pdf/notelinks.py``)
  sit on the generated ``::footnote-call`` and ``::footnote-marker``, which it tags
  ``/NonStruct``.

WeasyPrint builds the structure tree in ``weasyprint.pdf.tags._build_box_tree``, a recursive
generator that looks itself up by module name; wrapping it for the duration of ``write_pdf``
decorates every element it yields for a box. Checked against WeasyPrint 70.0 (2026-11). Before
wrapping, ``unpatchable`` reads the function's source and checks everything the wrapper relies
on; if any of it changed, nothing is patched and ``richer_tags`` yields a warning naming what the
PDF loses, which the caller passes on to the user. Worth proposing upstream as a ``lang`` and
``float: footnote`` case in ``tags.py``.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import textwrap
from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

from ..diagnostics import Diagnostic, warning

_NAME = "_build_box_tree"
_EXPECTED = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
_TRANSPARENT = ("html", "body")
#: What a tagged PDF lacks when the patch cannot apply.
LOST = "/Lang on text in another language, /Note tags on footnotes and /Link tags on note links"


def unpatchable(source: str | None) -> str | None:
    """Why ``richer_tags`` cannot wrap the function with this ``source``, or None if it can.

    The wrapper relies on five things, each checked here: the function takes the seven
    arguments it passes on; it is a generator (the wrapper iterates it); it recurses through the
    module global ``_build_box_tree`` (so the wrapper sees nested boxes too, not only the page's
    top level); each structure element it makes names its parent as ``'P'`` (which tells a
    structure element from the rest); and a box's link is its ``link_annotation``.
    """
    if source is None:
        return f"weasyprint.pdf.tags.{_NAME} is missing or its source cannot be read"
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return f"the source of weasyprint.pdf.tags.{_NAME} does not parse"
    function = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == _NAME), None)
    if function is None:
        return f"weasyprint.pdf.tags has no function {_NAME}"
    parameters = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    if parameters != _EXPECTED:
        return f"{_NAME} takes ({', '.join(parameters)}), not ({', '.join(_EXPECTED)})"
    nodes = list(ast.walk(function))
    if not any(isinstance(node, ast.Yield | ast.YieldFrom) for node in nodes):
        return f"{_NAME} is no longer a generator"
    if not any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == _NAME for node in nodes
    ):
        return f"{_NAME} no longer calls itself by its module name, so nested elements would be missed"
    if any(isinstance(node, ast.Name) and node.id == _NAME and isinstance(node.ctx, ast.Store) for node in nodes):
        return f"{_NAME} rebinds its own name, so nested elements would be missed"
    if not any(
        isinstance(node, ast.Dict) and any(isinstance(key, ast.Constant) and key.value == "P" for key in node.keys)
        for node in nodes
    ):
        return f"{_NAME} no longer gives its structure elements a parent 'P'"
    if not any(isinstance(node, ast.Attribute) and node.attr == "link_annotation" for node in nodes):
        return f"{_NAME} no longer reads a box's link_annotation"
    return None


def _source(function: object) -> str | None:
    if function is None:
        return None
    try:
        return inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return None


def gap_warning(reason: str) -> Diagnostic:
    """The warning a build gives when the tags cannot be completed, for ``reason``."""
    return warning(
        "pdf-tags-incomplete",
        f"the tagged PDF lacks {LOST}: the installed WeasyPrint is not the one the tagging patch was "
        f"written for ({reason})",
        hint="install the WeasyPrint version in constraints.txt (70.0), or update "
        "treatypress/pdf/tagging.py for this one",
    )


#: Why the installed WeasyPrint cannot be patched, or None; checked once, at import.
GAP = unpatchable(_source(getattr(tags, _NAME, None)))


@contextlib.contextmanager
def richer_tags() -> Iterator[tuple[Diagnostic, ...]]:
    """Complete the tags of the PDFs written in this block; yields the warnings to report
    (one when the installed WeasyPrint cannot be patched, none otherwise). Not thread-safe: it
    swaps a module global of ``weasyprint.pdf.tags``."""
    if GAP is not None:
        yield (gap_warning(GAP),)
        return
    original = tags._build_box_tree

    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        for element in original(box, parent, *args):
            _decorate(box, element)
            yield element

    tags._build_box_tree = build
    try:
        yield ()
    finally:
        tags._build_box_tree = original


def _decorate(box: Any, element: Any) -> None:
    html = getattr(box, "element", None)
    if html is None or not isinstance(element, pydyf.Dictionary) or isinstance(box, boxes.PageBox):
        return
    if getattr(box, "element_tag", None) in _TRANSPARENT or element.get("P") is None:
        return
    if getattr(box, "link_annotation", None) is not None:  # its /OBJR is in this element's kids
        element["S"] = "/Link"
    lang = html.get("lang")
    if lang and "Lang" not in element:
        element["Lang"] = pydyf.String(lang)
    if box.element_tag == "span" and "footnote" in (html.get("class") or "").split():
        element["S"] = "/Note"
        element["ID"] = pydyf.String(html.get("id") or "")
