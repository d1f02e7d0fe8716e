"""Language-aware sorting and letter groups, all from ICU/CLDR data (no alphabet tables).

* Order: the language's ICU collator (``lt``: č, š, ž are letters; y files with i).
* Identity: root collation at primary strength, so case and diacritics never split an
  entry in any language (Naruševičius = Narusevicius, even in Lithuanian where š is a letter
  of its own: the two spellings are one heading written two ways, reported as a variant).
* Letter groups: ICU's ``AlphabeticIndex`` for the language, which puts each heading in the
  primary-strength class of its first letter (Łossowski under L in English). Headings in
  another script get that script's labels from CLDR (its likely language, e.g. Cyrillic → ru).
  Headings before the first letter (digits, symbols) form one group, first, as Chicago does.
* Script order: Latin-script languages file other scripts after Latin; ``script_order``
  (ISO 15924 codes, e.g. ``("Cyrl", "Latn")``) reorders them, via CLDR's ``colReorder``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import icu


@functools.cache
def _locale(language: str, script_order: tuple[str, ...]) -> icu.Locale:
    tag = language.replace("_", "-")
    if script_order:
        tag += "-u-kr-" + "-".join(code.lower() for code in script_order)
    return icu.Locale.forLanguageTag(tag)


@functools.cache
def _identity_collator() -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale.getRoot())
    collator.setStrength(icu.Collator.PRIMARY)
    return collator


@functools.lru_cache(maxsize=65536)
def identity_key(text: str) -> bytes:
    """Equal for spellings that differ only by case or diacritics."""
    return bytes(_identity_collator().getSortKey(text))


@functools.cache
def _script_language(script: str) -> str:
    """CLDR's likely language for a script code, e.g. Cyrl → ru, Grek → el."""
    return str(icu.Locale.forLanguageTag(f"und-{script}").addLikelySubtags().getLanguage())


def _script_of(text: str) -> str:
    for char in text:
        script = str(icu.Script.getScript(char).getShortName())
        if script not in ("Zyyy", "Zinh"):  # common / inherited: look further
            return script
    return "Zyyy"


@dataclass(frozen=True)
class Bucket:
    label: str
    symbols: bool  # the group before the first letter: digits and symbols
    order: int  # position among the buckets


class Collation:
    """Sort keys and letter groups for one language; build once per book and language."""

    def __init__(self, language: str, script_order: Sequence[str] = ()) -> None:
        self.language = language
        self._locale = _locale(language, tuple(script_order))
        self._collator = icu.Collator.createInstance(self._locale)
        self._cache: dict[str, bytes] = {}

    def sort_key(self, text: str) -> bytes:
        key = self._cache.get(text)
        if key is None:
            key = self._cache[text] = bytes(self._collator.getSortKey(text))
        return key

    def buckets(self, headings: Iterable[str]) -> dict[str, Bucket]:
        """The letter group of each heading (by its sort string)."""
        headings = list(dict.fromkeys(headings))
        own = _own_script(self.language)
        scripts = {_script_of(text) for text in headings} - {own, "Zyyy"}
        index = self._alphabetic_index(tuple(sorted(scripts)))
        result = {}
        for text in headings:
            order = index.getBucketIndex(text)
            label, kind = index.getBucket(order)
            symbols = kind == icu.UAlphabeticIndexLabelType.UNDERFLOW
            if kind != icu.UAlphabeticIndexLabelType.NORMAL and not symbols:
                # A script CLDR has no index letters for (e.g. Han): the first character.
                label = str(icu.UnicodeString(text[:1]).toUpper(self._locale))
            result[text] = Bucket(label=str(label), symbols=symbols, order=order)
        return result

    @functools.lru_cache(maxsize=8)  # noqa: B019 - one Collation per book; few label sets
    def _alphabetic_index(self, scripts: tuple[str, ...]) -> icu.ImmutableIndex:
        builder = icu.AlphabeticIndex(self._locale)
        for script in scripts:
            letters = _index_letters(script)
            if letters is not None:
                builder.addLabels(letters)
        return builder.buildImmutableIndex()


@functools.cache
def _own_script(language: str) -> str:
    return str(icu.Locale.forLanguageTag(language.replace("_", "-")).addLikelySubtags().getScript())


@functools.cache
def _index_letters(script: str) -> icu.UnicodeSet | None:
    """CLDR index letters of a script, taken from its likely language (Cyrl → ru)."""
    language = _script_language(script)
    letters = icu.LocaleData(language).getExemplarSet(0, icu.ULocaleDataExemplarSetType.ES_INDEX)
    # Only that script's letters: zh's index letters are Latin (pinyin), for example.
    letters = icu.UnicodeSet(letters).retainAll(icu.UnicodeSet(f"[:sc={script}:]"))
    return letters if len(letters) else None


@functools.lru_cache(maxsize=16)
def collation(language: str, script_order: tuple[str, ...] = ()) -> Collation:
    """The shared :class:`Collation` for a language (ICU collators are costly to create)."""
    return Collation(language, script_order)
