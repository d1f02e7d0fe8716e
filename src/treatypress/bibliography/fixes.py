"""A small, documented patch layer over citeproc-py 0.11.1 (2025), each fix contribution-ready.

Applied once by :func:`apply`; each patch names the upstream behaviour it corrects so it can be
dropped when citeproc-py fixes it. Post-processing fixes work on the rendered HTML string.
"""

from __future__ import annotations

import re
from typing import Any

import citeproc.model

from treatypress.bibliography import sorting

_applied = False


def apply() -> None:
    """Install the citeproc-py patches (idempotent)."""
    global _applied
    if _applied:
        return
    _applied = True
    _patch_initialize_false()
    _patch_xpath_cache()
    _patch_static_queries()
    _patch_conditions()
    _patch_render_citation()
    _patch_names_modes()
    _patch_substitute_suppression()
    _patch_locator_page_ranges()
    _patch_is_numeric_locator()
    _patch_reference_lookup()
    _patch_label_case()
    sorting.apply()  # cs:sort: plain-text keys, Unicode collation, keys rendered lazily


def _patch_xpath_cache() -> None:
    """Speed, not output: citeproc-py 0.11.1 re-runs the same XPath queries on the (immutable)
    style tree thousands of times per note; memoising them makes Chicago 18th ~2x faster."""
    original = citeproc.model.CitationStylesElement.xpath_search
    cache: dict[tuple[Any, str], Any] = {}

    def xpath_search(self: Any, expression: str) -> Any:
        key = (self, expression)  # lxml proxies hash by identity and stay alive in the tree
        if key not in cache:
            cache[key] = original(self, expression)
        return cache[key]

    citeproc.model.CitationStylesElement.xpath_search = xpath_search


def _patch_static_queries() -> None:
    """Speed, not output: ``calls_variable()`` (does this element render a variable?) walks the
    element's whole subtree, macros included, and ``cs:group`` asks it of every child on every
    render -- 60 % of citeproc-py 0.11.1's time on a Chicago note. The answer depends only on the
    (immutable) style tree, so each element's answer is kept; so is each macro lookup."""
    model = citeproc.model
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            setattr(cls, "calls_variable", _memoised(vars(cls)["calls_variable"]))
    original_macro = model.CitationStylesElement.get_macro
    macros: dict[tuple[Any, str], Any] = {}

    def get_macro(self: Any, name: str) -> Any:
        key = (self.get_root(), name)
        if key not in macros:
            macros[key] = original_macro(self, name)
        return macros[key]

    model.CitationStylesElement.get_macro = get_macro
    # an element's root and a locale's options are fixed once the style is parsed
    model.CitationStylesElement.get_root = _memoised(model.CitationStylesElement.get_root)
    locale_option = model.Locale.get_option
    options: dict[tuple[Any, str], Any] = {}

    def get_option(self: Any, name: str) -> Any:
        if (self, name) not in options:
            try:
                options[(self, name)] = locale_option(self, name)
            except IndexError:
                options[(self, name)] = IndexError
        found = options[(self, name)]
        if found is IndexError:
            raise IndexError
        return found

    model.Locale.get_option = get_option
    # child lookups by name ("layout", "sort", "terms"), and the types a cs:if tests
    children: dict[tuple[Any, str], Any] = {}
    find_child = model.SomewhatObjectifiedElement.__getattr__

    def getattr_(self: Any, name: str) -> Any:
        if (self, name) not in children:
            children[(self, name)] = find_child(self, name)
        return children[(self, name)]

    model.SomewhatObjectifiedElement.__getattr__ = getattr_
    types: dict[Any, tuple[str, ...]] = {}

    def type_(self: Any, item: Any) -> list[bool]:
        wanted = types.get(self)
        if wanted is None:
            wanted = types[self] = tuple(t.lower() for t in self.get("type").split())
        kind = dict.get(item.reference, "type")
        return [t == kind for t in wanted]

    model.If._type = type_


def _memoised(method: Any) -> Any:
    cache: dict[Any, Any] = {}  # lxml proxies hash by identity; the cache keeps them alive

    def cached(self: Any) -> Any:
        if self not in cache:
            cache[self] = method(self)
        return cache[self]

    return cached


def _patch_initialize_false() -> None:
    """CSL 1.0.2 §"Name-part Formatting": with ``initialize="false"`` given names are NOT
    abbreviated, only existing initials are normalised ("A.S." -> "A. S."). citeproc-py 0.11.1
    ignores the attribute and prints "A. E. Senn" for "Alfred Erich Senn" (Chicago 18th)."""
    original = citeproc.model.Name.initialize

    def initialize(self: Any, given: str, mark: str, context: Any) -> str:
        if _option(self, "initialize", context) == "false":
            words = given.replace(".", ". ").split()
            return " ".join(w if len(w.rstrip(".")) > 1 else w.rstrip(".") + mark.strip() for w in words)
        return str(original(self, given, mark, context))

    citeproc.model.Name.initialize = initialize


def _patch_conditions() -> None:
    """Two ``cs:if`` tests citeproc-py 0.11.1 gets wrong.

    - ``disambiguate="true"`` is ignored (a "TODO"), so the test passes and Chicago 18th's short
      notes print their disambiguation pieces always: "Paperback, ed. Tuskenis", "edition".
      citeproc-py does no disambiguation at all, so the test is false (CSL 1.0.2: true only
      when the cite is still ambiguous after the other disambiguation steps).
    - ``position`` is decided from render order, ignoring notes; we decide it beforehand from
      the note numbers (:mod:`.positions`) and store it on the cite as ``tp_position``.
    """
    model = citeproc.model
    tests = {"type": model.If._type, "variable": model.If._variable, "is-numeric": None,
             "is-uncertain-date": model.If._is_uncertain_date, "locator": model.If._locator}
    specs: dict[Any, tuple[Any, ...]] = {}

    def render(self: Any, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        # citeproc-py's If.render, with the element's attributes read once (speed: lxml builds
        # a proxy on each attribute access, and conditions run ~100 times per note)
        spec = specs.get(self)
        if spec is None:
            attrib = self.attrib
            spec = specs[self] = (tuple(name for name in tests if name in attrib), "position" in attrib,
                                  self.get("match", "all"), self.get("disambiguate") == "true")
        names, has_position, match, disambiguate = spec
        # with match="any" or "none" a false test changes nothing, and citeproc-py already
        # fails an "any" with no other test; only match="all" needs the false test added
        if disambiguate and match == "all":
            raise model.ConditionFailed
        results: list[bool] = []
        for name in names:
            results += self._is_numeric(item) if name == "is-numeric" else tests[name](self, item)
        if has_position:
            results += self._position(item, context)
        result = any(results) if match == "any" else not any(results) if match == "none" else all(results)
        if not result:
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def position(self: Any, item: Any, context: Any) -> list[bool]:
        found = item.get("tp_position") if hasattr(item, "get") else None
        if found is None or (context or self).xpath_search("./ancestor::*[self::cs:bibliography]"):
            return [False]
        kind, near = found.position.value, found.near_note
        tests = {"first": kind == "first", "subsequent": kind != "first",
                 "ibid": kind in ("ibid", "ibid-with-locator"), "ibid-with-locator": kind == "ibid-with-locator",
                 "near-note": near and kind != "first"}
        return [tests.get(p, False) for p in self.get("position").split()]

    citeproc.model.If.render = render
    citeproc.model.If._position = position


# Private-use characters mark where each cite starts and ends in the rendered HTML, so that
# each cite of a multi-work citation can be linked to its own bibliography entry.
LINK_START, LINK_MID, LINK_END = "\ue000", "\ue001", "\ue002"
# marks where a cite's locator goes (see :func:`_patch_locator_page_ranges`)
LOCATOR = "\ue003"


def _patch_render_citation() -> None:
    """citeproc-py 0.11.1 sorts a citation's cites in bibliography-registration order even when
    the style has no ``cs:citation/cs:sort`` (CSL 1.0.2: then the cites keep the order the
    author wrote), and sorts by ``cs:sort`` even when a cite has a prefix, which Pandoc does not. Also marks each cite for linking (``tp_link``) and runs the author-only /
    suppress-author modes (``tp_mode``) only while the cite itself renders, not its sort keys."""

    def render_citation(self: Any, citation: Any, callback: Any) -> Any:
        good = [cite for cite in citation.cites if not cite.is_bad()]
        # Pandoc's citeproc keeps the author's order when a cite has a prefix ("see A; also B")
        if self.getparent().sort is not None and not any(cite.get("prefix") for cite in good):
            good = self.getparent().sort.sort(good, self)
        out = []
        for item in good:
            self.repressed = {}
            mode = item.pop("tp_mode_pending", None)
            if mode:
                item["tp_mode"] = mode
            try:
                output = self.render_children(item)
            except citeproc.model.VariableError:
                continue
            finally:
                item.pop("tp_mode", None)
            if mode == "author-only":
                output = item.pop("tp_author", None)
            if output is None:
                continue
            text = item.get("prefix", "") + output + item.get("suffix", "")
            if item.get("tp_link"):
                text = LINK_START + item["tp_link"] + LINK_MID + text + LINK_END
            out.append(text)
            self.getparent().cites.append(item)
        if not out:
            return None
        if any(c.get("tp_bare") for c in good):  # author-only: no layout affixes or formatting
            return self.join(out)
        return self.format(self.wrap(self.join(out)))

    citeproc.model.Layout.render_citation = render_citation


def _patch_names_modes() -> None:
    """Pandoc's ``@key`` (author only, then the rest) and ``[-@key]`` (suppress author): the
    first ``cs:names`` a cite renders is its author (after substitution, as in citeproc-js);
    it is kept alone ("author-only") or dropped ("suppress-author")."""
    original = citeproc.model.Names.render

    def render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        mode = item.get("tp_mode") if hasattr(item, "get") else None
        if not mode or item.get("tp_names_busy") or item.get("tp_names_done"):
            return original(self, item, *args, **kwargs)
        item["tp_names_busy"] = True
        try:
            text = original(self, item, *args, **kwargs)
        finally:
            item.pop("tp_names_busy", None)
        if text is None:
            return None
        item["tp_names_done"] = True
        if mode == "suppress-author":
            return None
        item["tp_author"] = text
        return text

    citeproc.model.Names.render = render


def _patch_substitute_suppression() -> None:
    """CSL 1.0.2 §"Substitute": variables rendered as a substitute (for the author) are
    suppressed in the rest of the output. citeproc-py 0.11.1 suppresses only a substitute that
    is a bare ``cs:text variable``; Chicago and APA substitute through macros, so the title or
    container title prints twice ("Encyclopedia Lituanica, Encyclopedia Lituanica")."""
    model = citeproc.model
    original_text_variable = model.Text._variable
    original_names_process = model.Names.process

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        recording = _layout(self, context).__dict__.get("tp_recording")
        if recording is not None and (self.tag, self.get("variable")) in recording:
            # suppressed at once, within the substitute too, as in Pandoc's citeproc: Chicago's
            # unsigned encyclopedia note substitutes a macro that prints the container title
            # and then the source, which prints it again ("Encyclopedia Lituanica,
            # Encyclopedia Lituanica, vol. 3")
            return None
        text = original_text_variable(self, item, context)
        if text is not None and recording is not None:
            recording.append((self.tag, self.get("variable")))
        return text

    def names_process(self: Any, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        layout = _layout(self, context)
        repressed = layout.repressed.get(self.tag, [])
        roles = self.get("variable").split()
        if repressed and any(r in repressed for r in roles):
            kept = " ".join(r for r in roles if r not in repressed)
            if not kept:
                return None
            self.set("variable", kept)
            try:
                return original_names_process(self, item, names_context, context, **kwargs)
            finally:
                self.set("variable", " ".join(roles))
        text = original_names_process(self, item, names_context, context, **kwargs)
        recording = layout.__dict__.get("tp_recording")
        if text is not None and recording is not None:
            recording.extend((self.tag, r) for r in roles if r in item.reference)
        return text

    def substitute_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        layout = _layout(self, context)
        outer = layout.__dict__.get("tp_recording")
        text = None
        for child in self.getchildren():
            recorded: list[Any] = []
            layout.__dict__["tp_recording"] = recorded
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                layout.__dict__["tp_recording"] = outer
            if text:
                for tag, variable in recorded:
                    layout.repressed.setdefault(tag, []).append(variable)
                if outer is not None:
                    outer.extend(recorded)
                break
        return text or None

    model.Text._variable = text_variable
    model.Names.process = names_process
    model.Substitute.render = substitute_render


def _layout(element: Any, context: Any) -> Any:
    return (context if context is not None else element).get_layout()


def _patch_locator_page_ranges() -> None:
    """A page locator follows the style's ``page-range-format`` (Chicago: "554–55"), as page
    variables do and as Pandoc's citeproc does; citeproc-py 0.11.1 only swaps "-" for "–".

    A cite carrying ``tp_locator_marker`` prints that marker instead of its locator, and keeps
    the element that would have printed it in ``tp_locator_element``: the formatter renders
    each (work, position) once and puts each real locator in with :func:`format_locator`.
    """
    original = citeproc.model.Text._variable

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "year-suffix" and item.get("tp_year_suffix"):
            return item["tp_year_suffix"]  # decided by the formatter (:mod:`.disambiguate`)
        if self.get("variable") == "locator" and item.has_locator:
            marker = item.get("tp_locator_marker")
            if marker is not None:
                if "locator" in _layout(self, context).repressed.get(self.tag, ()):
                    return None
                item["tp_locator_element"] = self
                return marker
            if item.locator.label == "page":
                try:
                    return self._process(str(item.locator.identifier), "page")
                except (ValueError, TypeError):
                    pass
        return original(self, item, context)

    citeproc.model.Text._variable = text_variable


def format_locator(element: Any, label: str, identifier: str) -> str:
    """A locator as ``element`` (a ``cs:text variable="locator"``) prints it, before markup."""
    if label == "page":
        try:
            return str(element._process(identifier, "page"))
        except (ValueError, TypeError):
            pass
    return identifier.replace("-", "\u2013")


# CSL 1.0.2 §"is-numeric": numbers with optional letter affixes ("2b", "D2"), joined by a comma,
# hyphen, en dash or ampersand ("2, 3", "2-4", "2 & 4")
_NUMERIC = re.compile(r"[A-Za-z]*\d+[A-Za-z]*(?:\s*[-\u2013,&]\s*[A-Za-z]*\d+[A-Za-z]*)*")
_PLURAL = re.compile(r"\d+[^\d.]+\d+")  # citeproc-py's own test for a plural label


def locator_is_numeric(identifier: str) -> bool:
    return _NUMERIC.fullmatch(identifier.strip()) is not None


def locator_is_plural(identifier: str) -> bool:
    return _PLURAL.search(identifier) is not None


def _patch_is_numeric_locator() -> None:
    """``is-numeric="locator"`` is always false in citeproc-py 0.11.1 (it looks for "locator"
    among the reference's variables), so Chicago prints "[@a, chap. 3]" as "3", not
    "chap. 3" as Pandoc's citeproc does. Also widens the test to CSL's definition ("2-4")."""
    original = citeproc.model.If._is_numeric

    def is_numeric(self: Any, item: Any) -> list[bool]:
        names = self.get("is-numeric").split()
        if "locator" not in names:
            return list(original(self, item))
        out = []
        for name in names:
            if name == "locator":
                out.append(item.has_locator and locator_is_numeric(str(item.locator.identifier)))
            else:
                value = item.reference.get(name.replace("-", "_"))
                out.append(value is not None and locator_is_numeric(str(value)))
        return out

    citeproc.model.If._is_numeric = is_numeric


def _patch_reference_lookup() -> None:
    """Speed, not output: ``CitationItem.reference`` goes through three properties and a dict
    subclass on each of ~300 variable lookups per note; a cite's reference never changes."""
    from citeproc.source import CitationItem

    def reference(self: Any) -> Any:
        found = dict.get(self, "tp_reference")
        if found is None:
            found = self.citation.bibliography.source[self.key]
            dict.__setitem__(self, "tp_reference", found)
        return found

    CitationItem.reference = property(reference)


def _patch_label_case() -> None:
    """``text-case`` on a ``cs:label`` is ignored for title case because citeproc-py passes no
    language; a label is a term of the style's locale, so it is English when the locale is
    (APA: "(E. Tuskenis, Ed.)")."""

    def markup(self: Any, text: Any) -> Any:
        if not text:
            return None
        language = str(self.get_root().locales[0].get("{http://www.w3.org/XML/1998/namespace}lang") or "en")
        return self.wrap(self.format(self.case(self.strip_periods(text), language[:2])))

    citeproc.model.Label.markup = markup


def _option(name_element: Any, option: str, context: Any) -> str | None:
    """A name option from the cs:name, else inherited from cs:citation/cs:bibliography/cs:style."""
    value = name_element.get(option)
    if value is not None:
        return str(value)
    ctx = context if context is not None else name_element
    for expr in ("./ancestor::*[self::cs:citation or self::cs:bibliography][1]", "/cs:style"):
        found = ctx.xpath_search(expr)
        if found and found[0].get(option) is not None:
            return str(found[0].get(option))
    return None


_QUOTE_PUNCT = re.compile(r"(</?[a-z]+(?: [^>]*)?>)?”(</?[a-z]+>)?([.,])")


def punctuation_in_quote(html: str) -> str:
    """en-US locales set ``punctuation-in-quote="true"``: commas and periods go inside the
    closing quotation mark. citeproc-py 0.11.1 ignores the locale option. Then a comma or
    period right after "?" or "!" is dropped (CSL 1.0.2 §"Punctuation": "wybawca?” Veidas",
    not "wybawca?,” Veidas")."""
    html = _QUOTE_PUNCT.sub(lambda m: f"{m.group(3)}{m.group(1) or ''}”{m.group(2) or ''}", html)
    return re.sub(r"([?!])((?:</?[a-z]+(?: [^>]*)?>|”|’)*)[.,]", r"\1\2", html)


def tidy_spacing(html: str) -> str:
    """citeproc-py joins ``<span class="nocase">`` pieces with a space: "Lithuania : 700",
    "Republic , 1918". No style puts a space before these marks in English output."""
    html = re.sub(r"(\S) +([,:;.])(?=\s|<|$)", r"\1\2", html)
    html = re.sub(r"([.,;:])\1", r"\1", html)
    return re.sub(r"  +", " ", html).strip()
