"""ISBNs: checked by their check digit, printed with the hyphens the author wrote."""

from __future__ import annotations

import re


def isbn_digits(text: str) -> str:
    """The ISBN without hyphens or spaces ("978-0-19-..." -> "9780199..."), X upper-cased."""
    return re.sub(r"[\s-]", "", text).upper().removeprefix("ISBN").lstrip(":")


def isbn_problem(text: str) -> str | None:
    """Why ``text`` is not a valid ISBN-10 or ISBN-13, or None when it is."""
    digits = isbn_digits(text)
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        check = (10 - total % 10) % 10
        if digits[:3] not in ("978", "979"):
            return "an ISBN-13 starts with 978 or 979"
        return None if int(digits[12]) == check else f"its check digit should be {check}, not {digits[12]}"
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = (11 - total % 11) % 11
        expected = "X" if check == 10 else str(check)
        return None if digits[9] == expected else f"its check digit should be {expected}, not {digits[9]}"
    return "an ISBN has 13 digits (or 10, the last of which may be X), with optional hyphens"
