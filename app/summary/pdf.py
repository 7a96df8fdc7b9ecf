"""The summary as a printable A4 PDF: the picture of the circles, then the same sections as the
Markdown.

The picture is vector drawing: two concentric circles, each note's text in a box inside its
circle (placed by `app.summary.picture`), the chosen item with a thicker accent border. Notes
that do not fit are listed under the picture. Text is set in DejaVu Sans, embedded (subset) so
every language's letters print; without the font files the PDF cannot be made and `FontsMissing`
says which package brings them. Emoji and symbols DejaVu lacks come from Symbola when it is
installed (Debian: `fonts-symbola`), in black and white; without it they print as U+FFFD.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from pathlib import Path
from typing import Final

from fpdf import FPDF

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
    plain,
    plural,
    sections,
    subtitle,
)
from app.summary.model import Summary, SummaryNote
from app.summary.picture import OUTER_RADIUS, Box, layout
from app.summary.wrap import Segment, clip, line_width, wrap

FONT_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES: Final = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
FAMILY: Final = "DejaVu"
SYMBOL_FONT: Final = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")
"""Emoji and symbols DejaVu lacks (Debian: fonts-symbola); optional."""
SYMBOL_FAMILY: Final = "Symbola"

PAGE_WIDTH: Final = 210.0
MARGIN: Final = 15.0
HEADER_BOTTOM: Final = 46.0
PICTURE_CENTRE: Final = (PAGE_WIDTH / 2, HEADER_BOTTOM + 2 + OUTER_RADIUS)
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
SKIN_TONES: Final = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
"""Emoji skin tone modifiers: left out, as the emoji print in black and white."""
FOOTER_TOPIC: Final = 60
"""A longer topic is cut short in the footer, which has one line."""


class FontsMissing(RuntimeError):
    """The DejaVu fonts the PDF is set in are not installed."""


def missing_fonts(folder: Path = FONT_DIR) -> list[Path]:
    """The font files the PDF needs that `folder` lacks."""
    return [folder / name for name in FONT_FILES.values() if not (folder / name).is_file()]


class _Document(FPDF):
    def __init__(self, footer_text: str, symbols: Path | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text
        self._symbols = symbols

    def normalize_text(self, text: str) -> str:
        """Letters neither the font nor the symbol font has (CJK, the newest emoji) print as
        U+FFFD instead of an empty box, and fpdf2 does not log them: a log line must never quote
        what someone wrote."""
        font = self.current_font
        cmap = getattr(font, "cmap", None)
        if cmap:
            text = "".join(c for c in text if c not in SKIN_TONES)
            if any(ord(c) not in cmap for c in text if c not in "\n\r"):
                symbols = self._symbol_cmap()
                text = "".join(
                    c if c in "\n\r" or ord(c) in cmap or ord(c) in symbols else REPLACEMENT
                    for c in text
                )
        return super().normalize_text(text)

    def _symbol_cmap(self) -> Container[int]:
        """The symbol font's letters, the font added (and made the fallback) when first needed:
        reading its 3 MB costs more than most summaries take to draw."""
        if self._symbols is not None and SYMBOL_FAMILY.lower() not in self.fonts:
            self.add_font(SYMBOL_FAMILY, "", str(self._symbols))
            # Bold and italic text take its one style.
            self.set_fallback_fonts([SYMBOL_FAMILY], exact_match=False)
        font = self.fonts.get(SYMBOL_FAMILY.lower())
        return getattr(font, "cmap", None) or ()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, fill(self._footer_text, page=self.page_no(), pages="{nb}"), align="C")


def to_pdf(
    summary: Summary, t: Labels, fonts: Path = FONT_DIR, symbols: Path | None = SYMBOL_FONT
) -> bytes:
    """The summary as PDF bytes; raises FontsMissing without the DejaVu fonts. Emoji come from
    the font file `symbols` when it exists."""
    missing = missing_fonts(fonts)
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise FontsMissing(
            f"the PDF summary needs the DejaVu fonts (Debian: fonts-dejavu-core): {names}"
        )
    topic = (
        summary.topic if len(summary.topic) <= FOOTER_TOPIC else summary.topic[:FOOTER_TOPIC] + "…"
    )
    pdf = _Document(
        f"{topic} · {t('summary.page')}" if topic else t("summary.page"),
        symbols if symbols is not None and symbols.is_file() else None,
    )
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(fonts / name))
    pdf.set_title(summary.topic or t("summary.kind"))
    pdf.set_subject(t("summary.kind"))
    pdf.set_creator("Cirkelbord")
    pdf.set_lang(summary.language)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    # Page breaks are this module's: text is drawn line by line, each checked against the page.
    pdf.set_auto_page_break(False, margin=MARGIN)
    pdf.add_page()
    text = _Text(pdf)
    _header(pdf, text, summary, t)
    _picture(pdf, text, summary, t)
    for block in sections(summary, t):
        _block(pdf, text, block)
    return bytes(pdf.output())


# -- text ------------------------------------------------------------------------------------

FONT_STYLE: Final = {Style.PLAIN: "", Style.STRONG: "B", Style.MUTED: "I"}


class _Text:
    """Measures and draws styled lines; each (style, text) is measured once, at 1 pt."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.size = 10.0
        self.colour: Colour = TEXT
        self._widths: dict[tuple[str, str], float] = {}

    def measure(self, style: str, text: str) -> float:
        key = (style, text)
        width = self._widths.get(key)
        if width is None:
            pdf = self.pdf
            before = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
            pdf.set_font(FAMILY, FONT_STYLE[Style(style)], 100)
            width = self._widths[key] = pdf.get_string_width(text) / 100
            if before[0]:
                pdf.set_font(*before)
        return width * self.size

    def lines(self, segments: Sequence[Segment], width: float) -> list[list[Segment]]:
        return wrap(segments, width, self.measure)

    def clip(self, lines: Sequence[list[Segment]], keep: int, width: float) -> list[list[Segment]]:
        return clip(lines, keep, width, self.measure, ELLIPSIS)

    def draw(self, line: Sequence[Segment], x: float, y: float, height: float) -> None:
        """One line from (x, y), each segment in its style; no page break happens here."""
        pdf = self.pdf
        margin, pdf.c_margin = pdf.c_margin, 0
        try:
            for style, text in line:
                width = self.measure(style, text)
                pdf.set_font(FAMILY, FONT_STYLE[Style(style)], self.size)
                pdf.set_text_color(*(MUTED if style == Style.MUTED else self.colour))
                pdf.set_xy(x, y)
                pdf.cell(width, height, text)
                x += width
        finally:
            pdf.c_margin = margin

    def flow(self, line: Line, x: float, width: float, height: float) -> None:
        """A paragraph from the current y at x, wrapped to width, breaking pages as needed."""
        pdf = self.pdf
        for part in self.lines(segments(line), width):
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
            y = pdf.get_y()
            self.draw(part, x, y, height)
            pdf.set_xy(MARGIN, y + height)


def segments(line: Line) -> list[Segment]:
    return [(span.style.value, span.text) for span in line]


# -- the first page's header -----------------------------------------------------------------


def _header(pdf: FPDF, text: _Text, summary: Summary, t: Labels) -> None:
    title: Line = (Span(summary.topic or t("summary.kind"), Style.STRONG),)
    width = PAGE_WIDTH - 2 * MARGIN
    text.size = 20.0
    while len(lines := text.lines(segments(title), width)) > 2 and text.size > 12:
        text.size -= 1
    y = MARGIN
    height = text.size * PT * 1.2
    for line in text.clip(lines, 3, width):
        text.draw(line, MARGIN, y, height)
        y += height
    text.size = 10
    text.draw([(Style.MUTED.value, subtitle(summary, t))], MARGIN, y + 0.5, 6)


# -- the picture -----------------------------------------------------------------------------


def _picture(pdf: FPDF, text: _Text, summary: Summary, t: Labels) -> None:
    cx, cy = PICTURE_CENTRE
    picture = layout(len(summary.inner), len(summary.outer))
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
            placed = Box(cx + box.x, cy + box.y, box.w, box.h)
            _note(pdf, text, note, placed, note.nid == chosen)
    pdf.set_xy(MARGIN, cy + picture.outer_radius + 3)
    _legend(pdf, t, chosen is not None)
    overflow = [*summary.inner[len(picture.inner) :], *summary.outer[len(picture.outer) :]]
    if overflow:
        _block(pdf, text, Paragraph(plain(plural(t, "summary.picture.overflow", len(overflow)))))
        _block(pdf, text, Bullets(tuple(plain(n.text) for n in overflow)))


def _note(pdf: FPDF, text: _Text, note: SummaryNote, box: Box, chosen: bool) -> None:
    """A note's box with its text as large as fits, cut short with an ellipsis at the least."""
    pdf.set_fill_color(*NOTE_FILL)
    pdf.set_draw_color(*(PRIMARY if chosen else NOTE_BORDER))
    pdf.set_line_width(0.8 if chosen else 0.25)
    pdf.rect(box.x, box.y, box.w, box.h, style="DF")
    words = [((Style.STRONG if chosen else Style.PLAIN).value, note.text)]
    width = box.w - 2 * NOTE_PADDING
    height = box.h - 2 * NOTE_PADDING
    for size in NOTE_SIZES:
        text.size = size
        line_height = size * PT * LINE_FACTOR
        lines = text.lines(words, width)
        if len(lines) * line_height <= height:
            break
    else:
        lines = text.clip(lines, max(1, math.floor(height / line_height)), width)
    y = box.y + (box.h - len(lines) * line_height) / 2
    for line in lines:
        left = box.x + (box.w - line_width(line, text.measure)) / 2
        text.draw(line, left, y, line_height)
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
    for fill_colour, border, label in entries:
        x, y = pdf.get_x(), pdf.get_y()
        width = 5 + pdf.get_string_width(label) + 6
        if x + width > PAGE_WIDTH - MARGIN:
            pdf.set_xy(MARGIN, y + 5)
            x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*fill_colour)
        pdf.set_draw_color(*border)
        pdf.set_line_width(0.5)
        pdf.rect(x, y + 0.6, 3.2, 3.2, style="DF")
        pdf.set_xy(x + 5, y)
        pdf.cell(pdf.get_string_width(label) + 6, 4.4, label)
    pdf.set_xy(MARGIN, pdf.get_y() + 7)


# -- the sections ----------------------------------------------------------------------------

BODY_SIZE: Final = 10.5
BODY_LINE: Final = 5.2
BULLET_INDENT: Final = 5.0
KEEP_WITH_HEADING: Final = 32.0
"""A heading this close (mm) to the bottom of a page starts the next page instead."""


def _block(pdf: FPDF, text: _Text, block: Block) -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    text.size, text.colour = BODY_SIZE, TEXT
    match block:
        case Heading(level, title):
            if pdf.get_y() + KEEP_WITH_HEADING > pdf.page_break_trigger:
                pdf.add_page()
            pdf.set_y(pdf.get_y() + (3 if level == 2 else 1))
            text.size = 13.0 if level == 2 else 11.0
            text.colour = PRIMARY if level == 2 else TEXT
            text.flow((Span(title, Style.STRONG),), MARGIN, width, text.size * PT * 1.35)
            pdf.set_y(pdf.get_y() + 1)
        case Paragraph(line):
            text.flow(line, MARGIN, width, BODY_LINE)
            pdf.set_y(pdf.get_y() + 1)
        case Bullets(items):
            for item in items:
                if pdf.get_y() + BODY_LINE > pdf.page_break_trigger:
                    pdf.add_page()
                text.draw([(Style.PLAIN.value, "•")], MARGIN + 1.5, pdf.get_y(), BODY_LINE)
                text.flow(item, MARGIN + BULLET_INDENT, width - BULLET_INDENT, BODY_LINE)
                pdf.set_y(pdf.get_y() + 0.6)
            pdf.set_y(pdf.get_y() + 1)
        case Rule():
            y = pdf.get_y() + 2
            pdf.set_draw_color(*NOTE_BORDER)
            pdf.set_line_width(0.3)
            pdf.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
            pdf.set_y(y + 3)
    text.colour = TEXT
