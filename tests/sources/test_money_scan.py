"""The fast money test (``has_money``) answers exactly what ``_MONEY.search`` answers, and a
Greenhouse pay-transparency block is read the same from the section as from the whole HTML."""

from __future__ import annotations

import html as html_module
import random

import pytest

from tracker.sources import common, greenhouse

PIECES = [
    *"0123456789 ,.kKuUsSdDeErRiInNpPX\n\t-$€£¥₹₩₱円万億만억원元５٣",
    *("USD", "usd", "INR", "Rs.", "Rs", "rs", "million ", "thousand ", "yen", "won", "lakh"),
    *("lakhs", "crore", "LPA", "euros", "pounds", "dollars", "aUSD", "KRW", "MXN", " "),
    *("ſek", "u\u212a", "Rſ", "h2", "&#39;", "  "),
]


@pytest.mark.parametrize(
    "text",
    [
        "$150,000",
        "USD 120000",
        "120,000 USD",
        "150k EUR",
        "XUSD 5",  # no word boundary before the code
        "Rs. 12",
        "Rs12",
        "INR\t9",
        "5 lakhs",
        "3 million yen",
        "3 million  dollars",
        "年収５００万円",
        "24/7 uptime, 5 years",
        "",
        "no digits at all",
    ],
)
def test_has_money_agrees_with_the_pattern(text: str) -> None:
    assert common.has_money(text) == bool(common._MONEY.search(text))


def test_has_money_agrees_on_random_text() -> None:
    rng = random.Random(12)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 20)))
        assert common.has_money(text) == bool(common._MONEY.search(text)), text


def section_html(before: str) -> str:
    return (
        f"{before}<div class='content-pay-transparency'><div class='pay-input'>"
        "<div class='title'>Annual Salary:</div><div class='pay-range'><span>$150,000</span>"
        "<span>&mdash;</span><span>$200,000 USD</span></div></div></div><p>After</p>"
    )


@pytest.mark.parametrize(
    "before",
    [
        "<p>About us</p>",
        "<table><tr><td>",  # the section inside an open table
        "<p>content-pay-transparency in text</p>",
        "",
    ],
)
def test_pay_section_parsed_alone_reads_the_same(before: str) -> None:
    html = section_html(before)
    assert greenhouse.pay_transparency_texts(html) == ("Annual Salary: $150,000 — $200,000 USD",)
    assert greenhouse.salary_texts(html)[0] == "Annual Salary: $150,000 — $200,000 USD"


ESCAPED = html_module.escape(
    "<p>We pay well.</p><p>Salary: $120,000 &amp; equity</p>"
    "<div class='content-pay-transparency'><div class='pay-input'><div class='title'>Base</div>"
    "<div class='pay-range'><span>$150,000</span><span>&mdash;</span><span>$200,000 USD</span>"
    "</div></div></div>",
    quote=True,
)


@pytest.mark.parametrize(
    "content",
    [
        ESCAPED,
        ESCAPED.replace("&lt;p&gt;We", "<p>We"),  # a raw tag among escaped ones
        ESCAPED.replace("$120,000", "&amp;euro;120.000"),  # an entity amount in the prose
        ESCAPED.replace("$120,000", "120,000"),  # no amount in the prose
        ESCAPED + "&nbsp;",  # an entity outside the plain set: the full unescape
        "&lt;p&gt;Nothing here&lt;/p&gt;",
        "   ",
    ],
)
def test_escaped_salary_texts_match_the_full_unescape(content: str) -> None:
    unescaped = greenhouse.unescape_content(content)
    expected = greenhouse.salary_texts(unescaped) if unescaped else ()
    assert greenhouse.escaped_salary_texts(content) == expected


def test_plain_unescape_is_html_unescape() -> None:
    rng = random.Random(7)
    pieces = ["&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&amp;", "amp;", "lt;", "a", "<", ";"]
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        if greenhouse.plainly_escaped(text):
            assert greenhouse.unescape_plain(text) == html_module.unescape(text), text


def test_has_money_agrees_on_random_ascii_text() -> None:
    """Long text with few digits is checked digit by digit: it answers what the search does."""
    rng = random.Random(13)
    pieces = [p for p in PIECES if p.isascii()] + ["\x1c", "\x0b", "\r", "R", "s.", "$ ", ". "]
    found = by_digit = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20)))
        pad = "word " * rng.randrange(0, 120)
        text = rng.choice([text, pad + text, text + pad, pad + text + " and " + text])
        expected = bool(common._MONEY.search(text))
        assert common.has_money(text) == expected, text
        found += expected
        digits = sum(c.isdigit() for c in text)
        by_digit += len(text) >= 64 and digits * common._SPARSE <= len(text) and digits > 0
    assert 1_000 < found < 19_000  # both answers were exercised...
    assert by_digit > 5_000  # ...on the digit-by-digit path too


def test_marks_hold_every_character_that_can_end_a_code() -> None:
    """``_may_be_amount`` skips a digit after any character outside ``_MARKS``: every character
    the pattern's lookbehinds take right before a digit must be in it."""
    import re
    import sys

    ends = {code[-1] for code in common._CODES.split("|")} | {"s", "S", "."}
    for end in ends:
        pattern = re.compile(re.escape(end), re.IGNORECASE)
        takes = [c for c in map(chr, range(sys.maxunicode + 1)) if pattern.fullmatch(c)]
        assert set(takes) <= common._MARKS, end
    assert set("$€£¥₹₩₱") <= common._MARKS


def test_has_money_agrees_on_text_with_other_characters() -> None:
    """Curly quotes and dashes keep the digit-by-digit path; other digits ("５") do not."""
    rng = random.Random(14)
    found = 0
    for _ in range(10_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 20)))
        text = "’we — pay “well” ſ\u212a " * rng.randrange(0, 30) + text
        expected = bool(common._MONEY.search(text))
        assert common.has_money(text) == expected, text
        found += expected
    assert 1_000 < found < 9_000


def test_plainly_escaped_means_every_ampersand_starts_an_entity() -> None:
    rng = random.Random(8)
    pieces = ["&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&amp;", "&", "&l", "&#3", "a", ";"]
    answers = set()
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        counted = text.count("&") == sum(text.count(e) for e, _ in greenhouse._ESCAPES)
        assert greenhouse.plainly_escaped(text) == counted, text
        answers.add(counted)
    assert answers == {True, False}


PAY_BLOCK = (
    '<div class="pay-input"><div class="description"><p>Base pay, <b>annual</b>.</p></div>'
    '<div class="title">Annual Salary:</div><div class="pay-range"><span>$183,000</span>'
    '<span class="divider">&mdash;</span><span>$302,000 USD</span></div></div>'
)
SECTION = f'<div class="content-pay-transparency">{PAY_BLOCK}</div><div class="x">After</div>'
# (what is inserted, where: a field of the block) - each variant is read by both readers
EDITS = [
    *("<br>", "<hr/>", "<span style='a>b'>", "</span>", "<a href=x>", "<ul><li>", "</li>"),
    *("<em>", "<I>", "</B>", "<P class='q'>", "<h2>", "\n", " ", "\xa0", "&amp;", "&nbsp;"),
    *("<div>", "</div>", "<DIV>", "<table>", "<!-- c -->", "<span class='title'>x</span>"),
    *("<i class='Pay-Range'>", '<span data-x="</div>">', "<em", ">", "<", "'", "\r", "\x00"),
    *("<p-x>", "<span\xa0a>", "<a title=x>", "<object>", "<template>", "\u2003", "USD"),
]


def section_variants() -> list[str]:
    variants = [
        SECTION,
        SECTION.replace("</div><div", "</div>\n<div", 1),
        SECTION.replace('<div class="description"><p>Base pay, <b>annual</b>.</p></div>', ""),
        SECTION.replace(PAY_BLOCK, PAY_BLOCK + PAY_BLOCK.replace("Annual", "Hourly")),
        SECTION.replace(PAY_BLOCK, PAY_BLOCK + PAY_BLOCK),  # the same block twice: kept once
        SECTION.replace("&mdash;", "&ndash;"),
        SECTION.replace("&mdash;", "to"),
        SECTION.replace("<span>$183,000</span>", "<span></span>"),
        SECTION.replace("<span>$183,000</span>", "<span> </span>"),
        SECTION.replace("$302,000 USD", " "),
        SECTION.replace("Annual Salary:", ""),
        SECTION.replace("Annual Salary:", " Annual\nSalary: "),
        SECTION + '<div class="content-pay-transparency">' + PAY_BLOCK + "</div>",
        SECTION.replace('class="x"', 'class="pay-input"'),
        SECTION.replace('"content-pay-transparency"', "'content-pay-transparency'"),
    ]
    rng = random.Random(3)
    fields = ("desc", "title", "low", "high")
    for _ in range(600):
        match = greenhouse._PAY_BLOCK.match(SECTION, len(greenhouse._SECTION_OPEN))
        assert match is not None
        field = rng.choice(fields)
        at = rng.randint(match.start(field), match.end(field))
        variants.append(SECTION[:at] + rng.choice(EDITS) + SECTION[at:])
    return variants


def test_pay_section_without_the_parser_reads_as_the_parser_does() -> None:
    plain = 0
    for section in section_variants():
        texts = greenhouse.plain_section_texts(section)
        if texts is not None:
            plain += 1
            assert texts == greenhouse.parsed_section_texts(section), section
        assert greenhouse.pay_transparency_texts(section) == greenhouse.parsed_section_texts(
            section
        )
    assert plain > 100  # the usual shape is read without the parser...
    assert greenhouse.plain_section_texts(SECTION) == ("Annual Salary: $183,000 — $302,000 USD",)
    assert greenhouse.plain_section_texts(SECTION.replace("<b>", "<div>")) is None  # ...not all
