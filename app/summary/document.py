"""The summary's sections as a few plain blocks, shared by the Markdown and the PDF rendering.

Which sections there are, their order and their wording live here, once; a renderer only knows
how to draw a heading, a paragraph, a bullet list and a rule. Text is split into spans so a
renderer can set the lead of a line in bold without parsing anything: user text is never
interpreted as markup by either rendering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.room.state import Circle, PlanStatus
from app.summary.model import NextStep, ScaleResult, Summary, SummaryNote

Labels = Callable[[str], str]
"""A catalogue lookup in the board's language: key -> text."""

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **values: object) -> str:
    """A catalogue text with its {name} placeholders filled in (unknown names stay as they are)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


class Style(StrEnum):
    PLAIN = "plain"
    STRONG = "strong"
    MUTED = "muted"


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: Style = Style.PLAIN


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    """2 for a section, 3 for a part of one (the title is the renderer's own)."""
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: Line


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    pass


Block = Heading | Paragraph | Bullets | Rule


def plain(text: str) -> Line:
    return (Span(text),)


def number(value: float, language: str) -> str:
    """One decimal, with the decimal comma in Dutch."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def long_date(day: date, t: Labels) -> str:
    months = t("summary.months").split(",")
    month = months[day.month - 1].strip() if len(months) == 12 else f"{day.month:02d}"
    return fill(t("summary.date_format"), day=day.day, month=month, year=day.year)


def plural(t: Labels, key: str, n: int) -> str:
    return fill(t(f"{key}.one" if n == 1 else f"{key}.other"), n=n)


# -- the lines -------------------------------------------------------------------------------


def note_line(note: SummaryNote, t: Labels, *, dots: bool) -> Line:
    extras = [f"({note.author})"] if note.author else []
    if dots and note.dots:
        extras.append(plural(t, "summary.dots", note.dots))
    if not extras:
        return (Span(note.text),)
    return (Span(note.text), Span(" " + " · ".join(extras), Style.MUTED))


def step_details(step: NextStep, t: Labels) -> list[tuple[str, str]]:
    """The labelled parts of a next step after its `what`; a new Plan field goes here."""
    details = [(t("export.who"), step.who), (t("export.when"), step.when)]
    if step.from_earlier or step.status is PlanStatus.DONE:
        details.append((t("summary.status"), t(f"followup.status.{step.status.value}")))
    return details


def step_line(step: NextStep, t: Labels) -> Line:
    spans: list[Span] = []
    if step.item:
        spans += [Span(step.item, Style.STRONG), Span(": ")]
    spans.append(Span(step.what))
    details = [f"{label}: {value}" for label, value in step_details(step, t) if value]
    if details:
        spans.append(Span(f" ({'; '.join(details)})", Style.MUTED))
    return tuple(spans)


def scale_lines(scale: ScaleResult, language: str, t: Labels) -> list[Line]:
    lines: list[Line] = [(Span(t("scale.question"), Style.MUTED),)]
    if scale.average is not None:
        lines.append(
            (
                Span(fill(t("summary.scale.average"), average=number(scale.average, language))),
                Span(f" ({plural(t, 'summary.scale.answered', scale.answered)})", Style.MUTED),
            )
        )
        values = ", ".join(
            f"{value}: {count}" for value, count in enumerate(scale.distribution) if count
        )
        lines.append(plain(fill(t("summary.scale.distribution"), values=values)))
    else:
        lines.append(plain(plural(t, "summary.scale.answered", 0)))
    before = scale.previous_average
    if before is not None:
        lines.append(plain(fill(t("summary.scale.previous"), average=number(before, language))))
    return lines


# -- the sections ----------------------------------------------------------------------------


def circle_blocks(summary: Summary, circle: Circle, t: Labels) -> list[Block]:
    blocks: list[Block] = [Heading(2, t(f"export.{circle.value}"))]
    groups = summary.by_round(circle)
    # Rounds get a heading of their own when there were several, or when the notes come from a
    # round whose topic was not the title's (a round II that started, then was left unread).
    titled = summary.topics_differ
    several = len(summary.rounds) > 1 or titled
    dots = circle is Circle.OUTER
    for group in groups:
        topic = summary.topic_of(group.round)
        if several and titled and topic:
            blocks.append(Heading(3, fill(t("summary.round_topic"), n=group.round, topic=topic)))
        elif several:
            blocks.append(Heading(3, fill(t("summary.round"), n=group.round)))
        blocks.append(Bullets(tuple(note_line(n, t, dots=dots) for n in group.notes)))
    if not groups:
        blocks.append(Paragraph((Span(t("summary.none"), Style.MUTED),)))
    return blocks


def sections(summary: Summary, t: Labels) -> list[Block]:
    """Everything after the title (and, in the PDF, the picture), in order."""
    blocks: list[Block] = []
    if summary.chosen is not None:
        blocks += [
            Heading(2, t("export.chosen")),
            Paragraph((Span(summary.chosen.text, Style.STRONG),)),
        ]
    if summary.moved_inward:
        blocks += [
            Heading(2, t("followup.review.moved")),
            Bullets(tuple(note_line(n, t, dots=False) for n in summary.moved_inward)),
        ]
    blocks += circle_blocks(summary, Circle.INNER, t)
    blocks += circle_blocks(summary, Circle.OUTER, t)
    if summary.next_steps:
        blocks += [
            Heading(2, t("export.plans")),
            Bullets(tuple(step_line(s, t) for s in summary.next_steps)),
        ]
    if summary.scale is not None:
        blocks += [
            Heading(2, t("scale.title")),
            *(Paragraph(line) for line in scale_lines(summary.scale, summary.language, t)),
        ]
    reflections = summary.reflections
    if reflections.count:
        counts = " · ".join(
            f"{t(f'export.useful.{key}')}: {n}"
            for key, n in (
                ("yes", reflections.yes),
                ("partly", reflections.partly),
                ("no", reflections.no),
            )
        )
        blocks += [Heading(2, t("export.reflections")), Paragraph(plain(counts))]
        for key, texts in (
            ("reflect.what", [r.what for r in reflections.texts if r.what]),
            ("reflect.improve", [r.improve for r in reflections.texts if r.improve]),
        ):
            if texts:
                blocks += [Heading(3, t(key)), Bullets(tuple(plain(x) for x in texts))]
    if summary.agreements:
        blocks += [
            Heading(2, t("export.agreements")),
            *(Paragraph(plain(line)) for line in summary.agreements.splitlines() if line.strip()),
        ]
    blocks += [Rule(), Paragraph((Span(t("method.credit"), Style.MUTED),))]
    return blocks


def subtitle(summary: Summary, t: Labels) -> str:
    """The line under the title: what this is, and the meeting's date when known."""
    kind = t("summary.kind")
    if summary.meeting > 1:
        kind = f"{kind} · {fill(t('history.meeting.title'), n=summary.meeting)}"
    if summary.day is None:
        return kind
    return f"{kind} · {long_date(summary.day, t)}"
