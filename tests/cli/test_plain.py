"""Piped lines written without Rich are Rich's bytes exactly, and anything uncertain is left
to Rich (vendorwatch.cli.plain)."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from vendorwatch.cli.output import PIPED
from vendorwatch.cli.plain import piped_text

LETTERS = "abcdefghij XYZ0123456789.,;:()$%-'\"\u2013\u201c\u201d\u00b7\u00e9\t" + " " * 8
TAGS = ("[bold]", "[/]", "[yellow]", "[/yellow]", "[red]", "[/bold]", "[bold red]")


def rich(markup: str, *, soft_wrap: bool) -> str | None:
    """What Rich writes to a pipe at the CLI's width (None: Rich refuses the markup)."""
    out = io.StringIO()
    try:
        Console(width=PIPED, file=out).print(markup, highlight=False, soft_wrap=soft_wrap)
    except Exception:  # noqa: BLE001 - a markup error: the fast path must not answer either
        return None
    return out.getvalue()


def line(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.choice([0, 1, 7, 60, 119, 120, 121, 200, 400])):
        pick = rng.random()
        if pick < 0.02:
            parts.append(rng.choice(TAGS))
        elif pick < 0.03:
            parts.append("\n")
        elif pick < 0.035:  # a word longer than a line is folded
            parts.append("x" * rng.choice([119, 120, 121, 241]))
        elif pick < 0.04:
            parts.append(" " * rng.choice([1, 119, 120, 130]))
        else:
            parts.append(rng.choice(LETTERS))
    return "".join(parts)


def test_every_line_written_without_rich_is_what_rich_writes() -> None:
    rng = random.Random(13)
    written = 0
    for _ in range(3000):
        markup = line(rng)
        for soft_wrap in (False, True):
            text = piped_text(markup, width=PIPED, soft_wrap=soft_wrap)
            if text is not None:
                written += 1
                assert text == rich(markup, soft_wrap=soft_wrap), (markup, soft_wrap)
    assert written > 1500  # lines with a tab or a :code: go to Rich; the rest are written


@pytest.mark.parametrize(
    "markup",
    [
        "[link=https://example.org]x[/link]",  # not a plain style
        "[/bold] closes nothing",  # Rich refuses it
        "[bold][red]x[/bold] y[/red]",  # Rich closes bold beneath red
        r"an escaped \[bold] bracket",
        "an emoji code :smile: here",
        "wide 漢字 characters",
        "a tab\there",
        "a combining e\u0301",
    ],
)
def test_what_is_not_certain_is_left_to_rich(markup: str) -> None:
    assert piped_text(markup, width=PIPED, soft_wrap=False) is None


def test_brackets_rich_reads_as_text_stay() -> None:
    markup = "[bold]ICE[/] [ICE] [1] costs [yellow]$5[/yellow]"
    assert piped_text(markup, width=PIPED, soft_wrap=False) == "ICE [ICE] [1] costs $5\n"
    assert rich(markup, soft_wrap=False) == "ICE [ICE] [1] costs $5\n"


def test_a_word_ending_at_the_last_column_stays_on_its_line() -> None:
    markup = ("a" * 9 + " ") * 11 + "b" * 10 + " next line"
    assert piped_text(markup, width=PIPED, soft_wrap=False) == rich(markup, soft_wrap=False)
    assert rich(markup, soft_wrap=False) == markup[:120] + "\nnext line\n"
