"""The summary as Markdown, to paste into the follow-up mail.

User text is escaped just enough that it can never become markup (emphasis, links, images,
headings, lists, code, HTML), and no more, so the text still reads well where a mail client
shows it as it is.
"""

from __future__ import annotations

import re

from app.summary.document import (
    Block,
    Bullets,
    Heading,
    Labels,
    Line,
    Paragraph,
    Rule,
    Style,
    sections,
    subtitle,
)
from app.summary.model import Summary

_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def inline(text: str) -> str:
    """User text with markup characters escaped and white space (line breaks too) made single
    spaces; a space at either end stays, so spans still join with one."""
    return _INLINE.sub(r"\\\1", re.sub(r"\s+", " ", text))


def at_line_start(text: str) -> str:
    """Escape what would make a line a heading, quote or list item."""
    return _LINE_START.sub(_escape_start, text)


def _escape_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    escaped = marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
    return match.group(1) + escaped


def escape(text: str) -> str:
    """User text as literal Markdown text, on one line."""
    return at_line_start(inline(text).strip())


def line(spans: Line) -> str:
    out = []
    for span in spans:
        text = inline(span.text)
        body = text.strip()
        if body and span.style is not Style.PLAIN:
            mark = "**" if span.style is Style.STRONG else "*"
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            text = f"{lead}{mark}{body}{mark}{trail}"
        out.append(text)
    return at_line_start("".join(out).strip())


def block(b: Block) -> list[str]:
    match b:
        case Heading(level, text):
            return ["#" * level + " " + escape(text), ""]
        case Paragraph(spans):
            return [line(spans), ""]
        case Bullets(items):
            return [*(f"- {line(item)}" for item in items), ""]
        case Rule():
            return ["---", ""]


def to_markdown(summary: Summary, t: Labels) -> str:
    out = [f"# {escape(summary.topic or t('summary.kind'))}", "", escape(subtitle(summary, t)), ""]
    for b in sections(summary, t):
        out += block(b)
    return "\n".join(out).rstrip("\n") + "\n"
