"""Codes of the field: the unified social credit code (GB 32100-2015).

>>> uscc_is_valid("11511301008778183N")
True
>>> uscc_is_valid("11511301008778183n")
False
"""

from __future__ import annotations

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}


def uscc_check_character(first17: str) -> str | None:
    """The check character of the first 17 characters, or None if one is not allowed.

    >>> uscc_check_character("11511301008778183")
    'N'
    """
    try:
        total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except (KeyError, ValueError):
        return None
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    """True for 18 upper-case characters whose last is the GB 32100-2015 check character."""
    return len(code) == 18 and uscc_check_character(code[:17]) == code[17]
