"""Rewrite pay phrasings the amount grammar does not read into ones it does.

``paytext.parse_bands`` reads symbols, ISO codes and the multipliers K/M/lakh/crore/万. Before
it runs, ``rewrite`` turns these into that form (the number and its unit stay, the currency
becomes a symbol), so ranges still share a currency and a unit ("6,000~8,000만원"):

- Korean: ``6,000만원`` -> ``₩6,000万``, ``5천만원`` -> ``₩5000万``, ``1억 2,000만원`` ->
  ``₩120000000``, ``6,000,000원`` -> ``₩6,000,000``;
- Japanese: ``1億2000万円`` -> ``¥120000000`` (``万円`` is read as it is);
- words: ``8 million yen`` -> ``¥8 million``, ``25 lakh rupees`` -> ``₹25 lakh``, ``60,000
  euros`` -> ``€60,000``, ``pounds`` -> ``£``, ``dollars`` -> ``$``, ``won`` -> ``₩``;
- Indian units without any currency (``18 - 24 lakhs per annum``): rupees.
"""

from __future__ import annotations

import re

_NUM = r"\d[\d,]*(?:\.\d+)?"
_OKU_KR = re.compile(rf"({_NUM})\s?억\s?(?:({_NUM})\s?(천만|만))?\s?원?")
_OKU_JP = re.compile(rf"({_NUM})\s?億\s?(?:({_NUM})\s?万)?\s?円?(?!元)")
_MAN_KR = re.compile(rf"({_NUM})\s?(천만|만)\s?원?")
_WON = re.compile(rf"({_NUM})\s?원")
_WORDS = {
    "yen": "¥", "won": "₩", "rupees": "₹", "rupee": "₹", "euros": "€", "euro": "€",
    "pounds": "£", "pound": "£", "dollars": "$",
}  # fmt: skip
_WORD_CCY = re.compile(
    rf"({_NUM})(\s?(?:million|thousand|lakhs?|lacs?|crores?|k|m)?)\s?"
    r"(?<![A-Za-z])(yen|won|rupees?|euros?|pounds?(?:\s+sterling)?|dollars)\b",
    re.IGNORECASE,
)
# Every _WORD_CCY match holds one of these (no other character matches their letters
# case-insensitively: no long s, Kelvin sign or dotted I among them).
_CCY_STEMS = ("yen", "won", "rupee", "euro", "pound", "dollar")
_INDIAN_UNIT = re.compile(rf"(?<![₹\w.,])({_NUM})(\s?(?:lakhs?|lacs?|crores?|LPA)\b)", re.I)
_HAS_CURRENCY = re.compile(r"[$€£¥₹₩]|\b[A-Z]{3}\b|\bRs\.?\s?\d")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _oku_kr(match: re.Match[str]) -> str:
    value = _number(match.group(1)) * 1e8
    if match.group(2):
        value += _number(match.group(2)) * (1e7 if match.group(3) == "천만" else 1e4)
    return f"₩{value:.0f}"


def _oku_jp(match: re.Match[str]) -> str:
    value = _number(match.group(1)) * 1e8
    if match.group(2):
        value += _number(match.group(2)) * 1e4
    return f"¥{value:.0f}"


def _man_kr(match: re.Match[str]) -> str:
    value = _number(match.group(1)) * (1000 if match.group(2) == "천만" else 1)
    return f"₩{value:g}万" if match.group(2) == "천만" else f"₩{match.group(1)}万"


def _word(match: re.Match[str]) -> str:
    symbol = _WORDS.get(match.group(3).split()[0].lower(), "")
    return f"{symbol}{match.group(1)}{match.group(2)}"


def rewrite(text: str) -> str:
    """``text`` with the phrasings above in the form the amount grammar reads."""
    if "억" in text:
        text = _OKU_KR.sub(_oku_kr, text)
    if "億" in text:
        text = _OKU_JP.sub(_oku_jp, text)
    if "만" in text:
        text = _MAN_KR.sub(_man_kr, text)
    if "원" in text:
        text = _WON.sub(r"₩\1", text)
    lowered = text.lower()  # the words are needed: skip the (slow) pass over every number
    if any(word in lowered for word in _CCY_STEMS):
        text = _WORD_CCY.sub(_word, text)
    if not _HAS_CURRENCY.search(text):
        text = _INDIAN_UNIT.sub(r"₹\1\2", text)
    return text
