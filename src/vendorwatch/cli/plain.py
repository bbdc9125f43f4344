"""A line of console markup as Rich prints it to a pipe, without importing Rich.

Piped, Rich prints no colour: a line is its markup's text, wrapped at the width by Rich's word
rule. Importing and starting Rich cost a warm ``family`` a tenth of its time for a dozen such
lines. `piped_text` gives the bytes only when they are certainly Rich's: simple style tags
that open and close in order, no emoji code, no escaped bracket, and only characters Rich
counts one cell wide; for anything else it gives None and Rich prints
(tests/cli/test_plain.py compares the two over thousands of lines).
"""

from __future__ import annotations

import re

# rich.markup.RE_TAGS: what Rich reads as a tag (anything else in brackets is text)
_TAG = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
# Styles that change nothing without colour; a line with any other tag goes to Rich.
_STYLES = frozenset({"bold", "dim", "italic", "underline", "red", "green", "yellow", "blue",
                     "cyan", "magenta", "bold red", "bold green", "bold yellow"})  # fmt: skip
# rich._emoji_replace: ``:name:`` codes Rich may replace with an emoji
_EMOJI = re.compile(r":(\S*?)(?:(?:\-)(emoji|text))?:")
# Characters Rich counts one cell wide (rich.cells), newlines apart; others go to Rich.
_ONE_CELL = re.compile("[\n\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e]*")
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word: a word and the spaces after it


def _text(markup: str) -> str | None:
    """The markup's text, or None unless its every tag is a known style, opened and closed
    in order."""
    parts: list[str] = []
    opened: list[str] = []
    position = 0
    for tag in _TAG.finditer(markup):
        name = tag.group(3)
        if tag.group(2) or not (name in _STYLES or name == "/" or name[1:] in _STYLES):
            return None
        if name.startswith("/"):
            if not opened or name[1:] not in ("", opened[-1]):
                return None  # Rich closes a style further down the stack, or refuses
            opened.pop()
        else:
            opened.append(name)
        parts.append(markup[position : tag.start()])
        position = tag.end()
    parts.append(markup[position:])
    return "".join(parts)


def _wrapped(line: str, width: int) -> list[str]:
    """``line`` cut where Rich's `divide_line` cuts it (words whole, longer ones folded),
    each piece cropped as `Text.wrap` crops it."""
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(line):
        start, text = word.start(), word.group()
        length = len(text.rstrip())
        if width - offset >= length:
            offset += len(text)
        elif length > width:  # folded into pieces of the width
            pieces = [text[i : i + width] for i in range(0, len(text), width)]
            for number, piece in enumerate(pieces, 1):
                if start:
                    breaks.append(start)
                if number == len(pieces):
                    offset = len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = len(text)
    pieces = [line[a:b] for a, b in zip([0, *breaks], [*breaks, len(line)], strict=True)]
    return [_cropped(piece, width) for piece in pieces]


def _cropped(piece: str, width: int) -> str:
    if len(piece) > width:  # Text.rstrip_end, then Text.truncate
        spaces = len(piece) - len(piece.rstrip())
        piece = piece[: len(piece) - min(spaces, len(piece) - width)][:width]
    return piece


def piped_text(markup: str, *, width: int, soft_wrap: bool) -> str | None:
    """What ``Console(width=width).print(markup)`` writes to a pipe, or None when that is not
    certain without Rich."""
    text = _text(markup)
    if text is None or "\\[" in markup or _EMOJI.search(text) or not _ONE_CELL.fullmatch(text):
        return None
    if soft_wrap:
        return text + "\n"
    return "".join(f"{piece}\n" for line in text.split("\n") for piece in _wrapped(line, width))
