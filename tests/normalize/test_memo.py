"""The per-string memos and shortcuts of normalization answer what the plain steps answer.

(issue 12: parse + normalize per posting.) Each memo keys on a string or a frozen band and
stores an immutable result; each shortcut skips a step only where that step changes nothing.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime

from tracker.domain import RawPosting, SalaryBand
from tracker.normalize import payphrases
from tracker.normalize.paysanity import primary_first, sane_bands
from tracker.normalize.paytext import parse_bands
from tracker.normalize.salary import pick_salaries, with_usd
from tracker.normalize.taxonomy import _classify, classify, load_taxonomy, site_signal

SEEN = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def test_parse_bands_gives_a_new_list_each_time() -> None:
    first = parse_bands("Annual Salary: $183,000 — $302,000 USD")
    assert [b.max for b in first] == [302000.0]
    first.clear()
    assert [b.max for b in parse_bands("Annual Salary: $183,000 — $302,000 USD")] == [302000.0]


def rewrite_every_time(text: str) -> str:
    """``payphrases.rewrite`` as it read before the currency-word shortcut."""
    for needle, pattern, repl in (
        ("억", payphrases._OKU_KR, payphrases._oku_kr),
        ("億", payphrases._OKU_JP, payphrases._oku_jp),
        ("만", payphrases._MAN_KR, payphrases._man_kr),
    ):
        if needle in text:
            text = pattern.sub(repl, text)
    if "원" in text:
        text = payphrases._WON.sub(r"₩\1", text)
    text = payphrases._WORD_CCY.sub(payphrases._word, text)
    if not payphrases._HAS_CURRENCY.search(text):
        text = payphrases._INDIAN_UNIT.sub(r"₹\1\2", text)
    return text


def test_currency_words_shortcut_changes_nothing() -> None:
    rng = random.Random(5)
    pieces = [
        *("12", "3,500", " ", "k", "m", " million", " thousand", " lakh", " crores", "-", "/"),
        *("yen", "YEN", "Won", "rupees", "Rupee", "EUROS", "euro", "pounds sterling", "Pound"),
        *("dollars", "DOLLARS", "dollar", "ſ", "K", "İ", "won't", "yenta", "USD", "$", "₹"),
    ]
    rewritten = 0
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 10)))
        expected = rewrite_every_time(text)
        assert payphrases.rewrite(text) == expected, text
        rewritten += expected != text
    assert rewritten > 100  # the currency words were there, and rewritten


def test_stems_hold_only_letters_no_other_character_matches() -> None:
    """The shortcut looks for the stems in ``text.lower()``: sound only if no character but the
    ASCII letter (either case) matches a stem's letters case-insensitively."""
    letters = set("".join(payphrases._CCY_STEMS))
    for letter in letters:
        pattern = re.compile(letter, re.IGNORECASE)
        others = [c for c in map(chr, range(0x80, 0x10000)) if pattern.fullmatch(c)]
        assert others == [], letter


def test_classify_reads_the_place_site_as_site_signal_does() -> None:
    places = ["Dallas, TX - Data Center", "Remote", "", "Quincy, WA"]
    for title, department in (("Technical Program Manager", "Operations"), ("Chef", None)):
        for chosen in ([], places[:1], places[1:], places[::-1]):
            site = site_signal(load_taxonomy(), chosen)
            expected = _classify(title, department, None, (), site)
            assert classify(title, department, None, [], chosen) == expected
    assert site_signal(load_taxonomy(), places) == "place~data center"


def test_pick_salaries_matches_the_steps() -> None:
    texts = ("Annual Salary: $183,000 — $302,000 USD", "£50,000 - £60,000 GBP", "no pay")
    raw = RawPosting("1", "T", salary_texts=texts)
    bands = sane_bands([b for text in texts for b in parse_bands(text)])
    expected = [with_usd(b, SEEN) for b in primary_first(bands, ())]
    assert pick_salaries(raw, SEEN) == expected
    assert pick_salaries(raw, SEEN.date()) == expected  # the day is what counts
    later = pick_salaries(raw, date(2026, 4, 20))
    assert [b.min for b in later] == [b.min for b in expected]
    assert [b.min_usd for b in later][1] != expected[1].min_usd  # another day, another rate
    assert isinstance(expected[0], SalaryBand) and expected[0].min_usd == 183000.0


WORDS = [
    *("Annual", "Salary", "salary", "Hourly", "Rate", "Pay", "Range", "Base", "Bonus", "bonus"),
    *("Equity", "Stock", "Monthly", "Day", "Weekly", "Total", "Target", "Canada", "Remote", "Zone"),
    *("Per", "Hour", "Year", "per", "annum", "Up", "to", "From", "Starting", "at", "Stipend"),
    *("Ote",),
    *("Relocation", "Compensation", "Is", "Of", "Between", "Yr", "Mo", "Hr", "Est", "A", "Usd"),
    *("Lakh", "Yen", "Pounds", "Approximately", "Sign", "Credit", "Arr", "Series", "Funding"),
]
CODES = ["USD", "CAD", "AUD", "GBP", "EUR", "JPY", "SGD", "INR", "XXX", "ABC"]


def test_usual_pay_block_reads_as_any_text() -> None:
    """``"Annual Salary: $183,000 — $302,000 USD"`` is read directly: the same bands (and the
    same float reprs) as the general reading, whatever the words, amounts and code."""
    from tracker.normalize import paytext

    rng = random.Random(11)

    def amount() -> str:
        value = rng.choice([rng.randrange(1, 10**6), rng.randrange(10**6, 10**9)])
        return f"{rng.choice([value, rng.randrange(10, 400) * 1000]):,}"

    usual = 0
    kinds: set[object] = set()
    for _ in range(6_000):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 5)))
        text = f"{words}{rng.choice(['', ':'])} ${amount()} — ${amount()} {rng.choice(CODES)}"
        match = paytext._USUAL_BLOCK.fullmatch(text)
        if match is None or match["code"] not in paytext.iso_currencies():
            continue
        usual += 1
        expected = paytext._read_bands(text)
        assert repr(paytext._usual_block_bands(match)) == repr(expected), text
        assert repr(parse_bands(text)) == repr(list(expected)), text
        kinds.update((b.period, b.label is None) for b in expected)
        kinds.add(len(expected))
    assert usual > 3_000
    assert {0, 1, ("year", False), ("hour", True), ("month", False)} <= kinds


def test_evolve_is_dataclasses_replace() -> None:
    from dataclasses import fields, replace

    from tracker.normalize.paysanity import evolve

    band = SalaryBand(1.0, 2.0, "USD", "hour", "text", None, None, "Pay")
    for changes in ({}, {"min": 3.0, "period": "year"}, {"min_usd": 5.0, "label": None}):
        new, expected = evolve(band, **changes), replace(band, **changes)
        assert new == expected and repr(new) == repr(expected) and hash(new) == hash(expected)
        assert vars(new) == vars(expected)
    assert band.min == 1.0  # the original is left as it was
    assert not hasattr(SalaryBand, "__post_init__")  # what evolve skips must stay absent
    assert all(f.init for f in fields(SalaryBand))


def test_keyword_lists_remember_a_bounded_number_of_answers() -> None:
    import dataclasses

    from tracker.normalize import taxonomy

    terms = load_taxonomy().categories[0][1]
    titles = ["Data Center Technician", "Critical Facilities Engineer", "Chef", "电工", "x"]
    for title in titles * 2:
        text = taxonomy.fold_title(title)
        assert terms.find(text) == terms._find(text)
        assert text in terms.found
    for n in range(taxonomy._FOUND_MAX + 10):
        terms.find(f"title {n}")
    assert 0 < len(terms.found) <= taxonomy._FOUND_MAX
    assert dataclasses.replace(terms, found={}) == terms  # the answers are no part of equality
    found = {slug: t.find("electrical engineer") for slug, t in load_taxonomy().categories}
    assert any(found.values())


def test_new_rates_forget_the_pay_memos() -> None:
    """Bands memoized with the old ECB rates (USD amounts, sanity, period by size) are dropped
    when rates are loaded again (``tracker`` daemon's FX refresh)."""
    from tracker.normalize import fx, paytext, salary

    raw = RawPosting("1", "T", salary_texts=("Annual Salary: €60,000 — €70,000 EUR",))
    before = pick_salaries(raw, SEEN)
    memos = (paytext._parse_bands, salary._sane_text_bands, salary._with_usd)
    assert all(memo.cache_info().currsize > 0 for memo in memos)
    fx.reset_rates()
    assert [memo.cache_info().currsize for memo in memos] == [0, 0, 0]
    assert pick_salaries(raw, SEEN) == before  # the same rates give the same bands again
