"""No hand-formatted money: every amount shown to a reader goes through `sellerdesk.formatting`
(`format_money` in Python, `|money` in templates), never "%s EUR" or "{amount} {currency}"."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", "tests", "migrations", "node_modules", ".git", "bench"}
SUFFIXES = {".py", ".html", ".txt", ".js"}

# Each pattern is a way an amount gets glued to its currency by hand.
PATTERNS = {
    # {{ amount }} {{ order.currency }} in a template
    "template value then currency": re.compile(r"\}\}\s*\{\{\s*[\w.]*currency\s*\}\}"),
    # {{ amount }} {{ currency }} inside blocktranslate, or %(amount)s %(currency)s in gettext
    "placeholder then currency": re.compile(r"%\(\w+\)s\s*%\(currency\)s"),
    # f"{amount} {currency}" / "{amount} {currency}".format(...)
    "braces then currency": re.compile(
        r"\{(?!%)[^{}%\n]+\}[ \xa0]*\{(?!%)[^{}%\n]*currency[^{}%\n]*\}"
    ),
    # "%s EUR", "{} €", "19.90 EUR" in code
    "literal currency after a value": re.compile(
        r"(%s|%\(\w+\)s|\}\}?|\d)[ \xa0]*(EUR|€|USD|GBP)(?![A-Za-z])"
    ),
    # amount + " " + currency in scripts
    "concatenated currency": re.compile(r"\+\s*[\"'][ \xa0]?[\"']\s*\+\s*[\w.]*currency", re.I),
}

# The one place that may know how money is written (and shows it in its docstrings).
ALLOWED = {
    ROOT / "sellerdesk" / "formatting.py",
    ROOT / "sellerdesk" / "templatetags" / "formatting.py",
}


def source_files():
    for path in ROOT.rglob("*"):
        if not path.is_file() or path.suffix not in SUFFIXES or path in ALLOWED:
            continue
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        yield path


def offences(text: str) -> list[str]:
    return [name for name, pattern in PATTERNS.items() if pattern.search(text)]


@pytest.mark.parametrize(
    "bad",
    [
        "<td>{{ order.total_amount }} {{ order.currency }}</td>",
        '_("Refund #%(id)s: %(total)s %(currency)s.")',
        'f"{quantize(amount)} {currency}"',
        '"%s EUR" % amount',
        "'{} €'.format(amount)",
        'text + " " + order.currency',
        "{% blocktranslate %}{{ amount }} {{ currency }} left{% endblocktranslate %}",
    ],
)
def test_the_search_catches_hand_formatted_money(bad):
    assert offences(bad), f"the patterns miss {bad!r}"


@pytest.mark.parametrize(
    "good",
    [
        "{{ order.total_amount|money:order.currency }}",
        "format_money(refund.total_amount, refund.currency)",
        'data-currency="{{ order.currency }}"',
        '_("Refunded per day (%(currency)s)") % {"currency": currency}',
    ],
)
def test_the_search_leaves_proper_formatting_alone(good):
    assert not offences(good)


def test_no_code_or_template_formats_money_by_hand():
    files = list(source_files())
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for name in offences(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {name}: {line.strip()}")
    assert len(files) > 50 and not found, "\n".join(found)
