"""Chinese numerals as they number articles and items (第十二条, （二十三）, 一百零五名)."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_DIGITS = "零〇一二三四五六七八九十百千两"


def chinese_number(text: str) -> int:
    """The value of a Chinese numeral, or of Arabic digits.

    >>> [chinese_number(t) for t in ("三", "十", "十二", "二十", "二十三", "一百零五", "478")]
    [3, 10, 12, 20, 23, 105, 478]
    """
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + digit


def chinese_numeral(value: int) -> str:
    """The Chinese numeral of 1..99 as items are numbered.

    >>> [chinese_numeral(v) for v in (1, 10, 12, 20, 23)]
    ['一', '十', '十二', '二十', '二十三']
    """
    digits = "零一二三四五六七八九"
    tens, ones = divmod(value, 10)
    if value < 10:
        return digits[value]
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"
