"""The summary as a printable A4 PDF: the picture of the circles, then the same sections as the
Markdown.

The picture is vector drawing: two concentric circles, each note's text in a box inside its
circle (placed by `app.summary.picture`), the chosen item with a thicker accent border. Notes
that do not fit are listed under the picture. Text is set in DejaVu Sans, embedded (subset) so
every language's letters print; without the font files the PDF cannot be made and `FontsMissing`
says which package brings them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from app.summary.document import (
    Block,
    Bullets,
    Heading,
    Labels,
    Line,
    Paragraph,
    Rule,
    Span,
    Style,
    fill,
    plural,
    sections,
    subtitle,
)
from app.summary.model import Summary, SummaryNote
from app.summary.picture import Box, layout

FONT_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES: Final = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
FAMILY: Final = "DejaVu"

PAGE_WIDTH: Final = 210.0
MARGIN: Final = 15.0
HEADER_BOTTOM: Final = 46.0
PICTURE_CENTRE: Final = (PAGE_WIDTH / 2, HEADER_BOTTOM + 2 + 88.0)
"""Where the circles' centre is on the first page, in millimetres from the top left."""

Colour = tuple[int, int, int]
# The shared screen's colours (web/css/app.css), so the printout looks like the board.
INNER_STROKE: Final[Colour] = (0x21, 0x69, 0x3F)
INNER_FILL: Final[Colour] = (0xE4, 0xF3, 0xE9)
OUTER_STROKE: Final[Colour] = (0x8A, 0x4B, 0x00)
OUTER_FILL: Final[Colour] = (0xFD, 0xF6, 0xEA)
PRIMARY: Final[Colour] = (0x17, 0x57, 0x7E)
"""The app's primary blue: the chosen item's thick border and the section headings."""
NOTE_FILL: Final[Colour] = (255, 255, 255)
NOTE_BORDER: Final[Colour] = (0x8F, 0x88, 0x7A)
TEXT: Final[Colour] = (0x1D, 0x23, 0x2C)
MUTED: Final[Colour] = (0x53, 0x5B, 0x67)

NOTE_SIZES: Final = tuple(s / 2 for s in range(20, 10, -1))  # 10 pt down to 5.5 pt
NOTE_PADDING: Final = 1.0
LINE_FACTOR: Final = 1.18
PT: Final = 25.4 / 72  # millimetres per point
ELLIPSIS: Final = "…"
REPLACEMENT: Final = "\ufffd"


class FontsMissing(RuntimeError):
    """The DejaVu fonts the PDF is set in are not installed."""


def missing_fonts(folder: Path = FONT_DIR) -> list[Path]:
    return [folder / name for name in FONT_FILES.values() if not (folder / name).is_file()]


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text

    def normalize_text(self, text: str) -> str:
        """Letters the font lacks (emoji, CJK) print as U+FFFD instead of an empty box, and fpdf2
        does not log them: a log line must never quote what someone wrote."""
        font = self.current_font
        cmap = getattr(font, "cmap", None)
        if cmap:
            text = "".join(c if c in "\n\r" or ord(c) in cmap else REPLACEMENT for c in text)
        return super().normalize_text(text)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, fill(self._footer_text, page=self.page_no(), pages="{nb}"), align="C")


def to_pdf(summary: Summary, t: Labels, fonts: Path = FONT_DIR) -> bytes:
    """The summary as PDF bytes; raises FontsMissing without the DejaVu fonts."""
    missing = missing_fonts(fonts)
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise FontsMissing(
            f"the PDF summary needs the DejaVu fonts (Debian: fonts-dejavu-core): {names}"
        )
    pdf = _Document(
        f"{summary.topic} · {t('summary.page')}" if summary.topic else t("summary.page")
    )
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(fonts / name))
    pdf.set_title(summary.topic or t("summary.kind"))
    pdf.set_subject(t("summary.kind"))
    pdf.set_creator("Cirkelbord")
    pdf.set_lang(summary.language)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()
    _header(pdf, summary, t)
    _picture(pdf, summary, t)
    for block in sections(summary, t):
        _block(pdf, block)
    return bytes(pdf.output())


# -- the first page's header -----------------------------------------------------------------


def _header(pdf: FPDF, summary: Summary, t: Labels) -> None:
    title = summary.topic or t("summary.kind")
    width = PAGE_WIDTH - 2 * MARGIN
    size = 20.0
    while True:
        pdf.set_font(FAMILY, "B", size)
        lines = _wrap(pdf, title, width)
        if len(lines) <= 2 or size <= 12:
            break
        size -= 1
    lines = _clip(pdf, lines, 3, width)
    pdf.set_text_color(*TEXT)
    pdf.set_xy(MARGIN, MARGIN)
    for line in lines:
        pdf.cell(width, size * PT * 1.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 6, subtitle(summary, t), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# -- the picture -----------------------------------------------------------------------------


def _picture(pdf: FPDF, summary: Summary, t: Labels) -> None:
    cx, cy = PICTURE_CENTRE
    picture = layout(len(summary.inner), len(summary.outer))
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(*OUTER_FILL)
    pdf.circle(cx, cy, picture.outer_radius, style="F")
    pdf.set_fill_color(*INNER_FILL)
    pdf.circle(cx, cy, picture.inner_radius, style="F")
    pdf.set_line_width(1.0)
    pdf.set_draw_color(*OUTER_STROKE)
    pdf.circle(cx, cy, picture.outer_radius)
    pdf.set_draw_color(*INNER_STROKE)
    pdf.circle(cx, cy, picture.inner_radius)
    chosen = summary.chosen.nid if summary.chosen is not None else None
    for notes, boxes in ((summary.inner, picture.inner), (summary.outer, picture.outer)):
        for note, box in zip(notes, boxes, strict=False):
            _note(pdf, note, Box(cx + box.x, cy + box.y, box.w, box.h), note.nid == chosen)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_xy(MARGIN, cy + picture.outer_radius + 3)
    _legend(pdf, t, chosen is not None)
    overflow = [*summary.inner[len(picture.inner) :], *summary.outer[len(picture.outer) :]]
    if overflow:
        _block(pdf, Paragraph((Span(plural(t, "summary.picture.overflow", len(overflow))),)))
        _block(pdf, Bullets(tuple((Span(n.text),) for n in overflow)))


def _note(pdf: FPDF, note: SummaryNote, box: Box, chosen: bool) -> None:
    pdf.set_fill_color(*NOTE_FILL)
    pdf.set_draw_color(*(PRIMARY if chosen else NOTE_BORDER))
    pdf.set_line_width(0.8 if chosen else 0.25)
    pdf.rect(box.x, box.y, box.w, box.h, style="DF")
    text = " ".join(note.text.split())
    width = box.w - 2 * NOTE_PADDING
    height = box.h - 2 * NOTE_PADDING
    for size in NOTE_SIZES:
        pdf.set_font(FAMILY, "B" if chosen else "", size)
        line_height = size * PT * LINE_FACTOR
        lines = _wrap(pdf, text, width)
        if len(lines) * line_height <= height:
            break
    else:
        lines = _clip(pdf, lines, max(1, math.floor(height / line_height)), width)
    pdf.set_text_color(*TEXT)
    y = box.y + (box.h - len(lines) * line_height) / 2
    for line in lines:
        pdf.set_xy(box.x + NOTE_PADDING, y)
        pdf.cell(width, line_height, line, align="C")
        y += line_height


def _legend(pdf: FPDF, t: Labels, chosen: bool) -> None:
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(*MUTED)
    entries: list[tuple[Colour, Colour, str]] = [
        (INNER_FILL, INNER_STROKE, t("export.inner")),
        (OUTER_FILL, OUTER_STROKE, t("export.outer")),
    ]
    if chosen:
        entries.append((NOTE_FILL, PRIMARY, t("export.chosen")))
    for fill_colour, border, text in entries:
        x, y = pdf.get_x(), pdf.get_y()
        width = 5 + pdf.get_string_width(text) + 6
        if x + width > PAGE_WIDTH - MARGIN:
            pdf.set_xy(MARGIN, y + 5)
            x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*fill_colour)
        pdf.set_draw_color(*border)
        pdf.set_line_width(0.5)
        pdf.rect(x, y + 0.6, 3.2, 3.2, style="DF")
        pdf.set_xy(x + 5, y)
        pdf.cell(pdf.get_string_width(text) + 6, 4.4, text)
    pdf.set_xy(MARGIN, pdf.get_y() + 7)


# -- the sections ----------------------------------------------------------------------------

BODY_SIZE: Final = 10.5
BODY_LINE: Final = 5.2
BULLET_INDENT: Final = 5.0


def _block(pdf: FPDF, block: Block) -> None:
    match block:
        case Heading(level, text):
            size = 13.0 if level == 2 else 11.0
            if pdf.get_y() > pdf.h - MARGIN - 28:  # keep a heading with what follows it
                pdf.add_page()
            pdf.set_x(MARGIN)
            pdf.ln(3 if level == 2 else 1)
            pdf.set_font(FAMILY, "B", size)
            pdf.set_text_color(*(PRIMARY if level == 2 else TEXT))
            pdf.multi_cell(0, size * PT * 1.35, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        case Paragraph(line):
            _write(pdf, line)
            pdf.ln(BODY_LINE + 1)
        case Bullets(items):
            for item in items:
                pdf.set_font(FAMILY, "", BODY_SIZE)
                pdf.set_text_color(*TEXT)
                pdf.set_x(MARGIN + 1.5)
                pdf.write(BODY_LINE, "•")
                pdf.set_left_margin(MARGIN + BULLET_INDENT)
                pdf.set_x(MARGIN + BULLET_INDENT)
                _write(pdf, item)
                pdf.set_left_margin(MARGIN)
                pdf.ln(BODY_LINE + 0.6)
            pdf.ln(1)
        case Rule():
            pdf.ln(2)
            pdf.set_draw_color(*NOTE_BORDER)
            pdf.set_line_width(0.3)
            pdf.line(MARGIN, pdf.get_y(), PAGE_WIDTH - MARGIN, pdf.get_y())
            pdf.ln(3)


def _write(pdf: FPDF, line: Line) -> None:
    for span in line:
        style = {Style.PLAIN: "", Style.STRONG: "B", Style.MUTED: "I"}[span.style]
        pdf.set_font(FAMILY, style, BODY_SIZE)
        pdf.set_text_color(*(MUTED if span.style is Style.MUTED else TEXT))
        pdf.write(BODY_LINE, span.text.replace("\r", "").replace("\n", " "))


# -- text fitting ----------------------------------------------------------------------------


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines = pdf.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
    assert isinstance(lines, list)
    return [str(line) for line in lines]


def _clip(pdf: FPDF, lines: Sequence[str], keep: int, width: float) -> list[str]:
    """The first `keep` lines, the last ending in an ellipsis when text was cut."""
    if len(lines) <= keep:
        return list(lines)
    kept = list(lines[:keep])
    last = kept[-1].rstrip()
    room = width - 2 * pdf.c_margin
    while last and pdf.get_string_width(last + ELLIPSIS) > room:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return kept
