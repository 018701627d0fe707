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
