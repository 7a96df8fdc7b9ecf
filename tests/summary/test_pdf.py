"""The PDF summary opens, its pages render, the circles are drawn and its text is searchable.

The pages are rendered with poppler (`pdftoppm`, `pdftotext`) and set in the DejaVu fonts; without
them these tests skip on a developer machine and fail on CI (CI=true).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from app.room.state import Circle, RoomState
from app.summary import FontsMissing, build_summary, to_pdf
from app.summary.pdf import FONT_DIR, PICTURE_CENTRE, SYMBOL_FONT, missing_fonts
from app.summary.picture import OUTER_RADIUS, layout
from tests.summary.boards import (
    CHOSEN,
    DAY,
    DELETED,
    HIDDEN,
    MERGED,
    NAMES,
    TOPIC,
    UNREVEALED,
    labels,
    many_notes,
    meeting,
    note,
)
from tests.support.services import missing, require_binary

POPPLER_HINT = "install it with `apt-get install poppler-utils`"
DPI = 50


@pytest.fixture(scope="module")
def fonts() -> Path:
    absent = missing_fonts()
    if absent:
        missing(f"the DejaVu fonts are missing ({absent[0]}): apt-get install fonts-dejavu-core")
    return FONT_DIR


Render = Callable[[RoomState], Path]


@pytest.fixture
def render(fonts: Path, tmp_path: Path) -> Render:
    def make(state: RoomState) -> Path:
        path = tmp_path / f"summary-{len(list(tmp_path.iterdir()))}.pdf"
        path.write_bytes(to_pdf(build_summary(state, DAY), labels(state.language.value), fonts))
        return path

    return make


def pages(pdf: Path, dpi: int = DPI) -> list[Path]:
    """Every page as a PNG; pdftoppm fails on a file it cannot open."""
    tool = require_binary("pdftoppm", POPPLER_HINT)
    prefix = pdf.with_suffix("")
    subprocess.run([tool, "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, timeout=60)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def text_of(pdf: Path) -> str:
    tool = require_binary("pdftotext", POPPLER_HINT)
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60
    )
    return " ".join(result.stdout.decode("utf-8").split())


def is_inner_stroke(r: int, g: int, b: int) -> bool:
    """The inner circle's green, also where anti-aliasing mixed it with the light fills."""
    return r < 120 and g < 175 and g - r > 40 and g - b > 20


def is_outer_stroke(r: int, g: int, b: int) -> bool:
    """The outer circle's brown, likewise."""
    return r > 90 and g < 135 and r - b > 80


def runs(image: Image.Image, y_mm: float, colour: Callable[[int, int, int], bool]) -> list[float]:
    """The x (mm) of each run of pixels of `colour` along the row at y_mm."""
    rgb = image.convert("RGB")
    y = round(y_mm / 25.4 * DPI)
    found: list[list[int]] = []
    for x in range(rgb.width):
        pixel = rgb.getpixel((x, y))
        assert isinstance(pixel, tuple)
        if colour(pixel[0], pixel[1], pixel[2]):
            if found and found[-1][-1] == x - 1:
                found[-1].append(x)
            else:
                found.append([x])
    return [sum(run) / len(run) * 25.4 / DPI for run in found]


def near(found: list[float], expected: list[float]) -> bool:
    return len(found) == len(expected) and all(
        abs(a - b) < 1.5 for a, b in zip(found, expected, strict=True)
    )


def test_the_first_page_shows_the_two_circles(render: Render) -> None:
    state = meeting()
    first = pages(render(state))[0]
    with Image.open(first) as image:
        assert abs(image.width - 210 / 25.4 * DPI) < 1.5, "A4 wide"
        assert abs(image.height - 297 / 25.4 * DPI) < 1.5, "A4 high"
        cx, cy = PICTURE_CENTRE
        summary = build_summary(state, DAY)
        inner = layout(len(summary.inner), len(summary.outer)).inner_radius
        outer_runs = runs(image, cy, is_outer_stroke)
        inner_runs = runs(image, cy, is_inner_stroke)
        assert near(outer_runs, [cx - OUTER_RADIUS, cx + OUTER_RADIUS]), outer_runs
        assert near(inner_runs, [cx - inner, cx + inner]), inner_runs
        above = cy - OUTER_RADIUS - 6
        assert runs(image, above, is_outer_stroke) == runs(image, above, is_inner_stroke) == []


def test_the_text_holds_the_meeting_and_nothing_it_must_not(render: Render) -> None:
    pdf = render(meeting(anonymous=True))
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = text_of(pdf)
    assert TOPIC in text and CHOSEN in text
    assert "Notulen in de chat zetten" in text and "Over vier weken opnieuw" in text
    assert "Centrum Progressiegericht Werken" in text
    assert "23 november 2026" in text
    assert "summary." not in text and "export." not in text, "every label is translated"
    for gone in (HIDDEN, DELETED, MERGED, UNREVEALED, *NAMES.values()):
        assert gone not in text
    named = text_of(render(meeting(anonymous=False)))
    assert all(name in named for name in NAMES.values())


def test_more_notes_than_the_picture_holds_are_listed_under_it(render: Render) -> None:
    pdf = render(many_notes(30, 50))
    rendered = pages(pdf, dpi=20)
    assert len(rendered) >= 2
    text = text_of(pdf)
    assert "20 notities passen niet in de tekening:" in text
    assert "Buiten nummer 49" in text


def test_letters_the_font_lacks_do_not_break_the_pdf(fonts: Path, tmp_path: Path) -> None:
    state = meeting(topic="Samen 🎉 verder — Ærø, Łódź, Ελλάδα, 中文")
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(to_pdf(build_summary(state, DAY), labels(), fonts, symbols=None))
    text = text_of(pdf)
    assert "Ærø, Łódź, Ελλάδα" in text
    assert "Samen \ufffd verder" in text  # no symbol font: a visible stand-in, not a blank


@pytest.fixture(scope="module")
def symbol_font() -> Path:
    if not SYMBOL_FONT.is_file():
        missing(f"the Symbola font is missing ({SYMBOL_FONT}): apt-get install fonts-symbola")
    return SYMBOL_FONT


EMOJI_NOTE = "Taart 🎉 bij elk succes 👍🏽🍕 ✅"


def test_emoji_print_from_the_symbol_font(render: Render, symbol_font: Path) -> None:
    """In the title, in a note's box on the circles, and in bold headings alike."""
    state = meeting(
        topic="Samen 🎉 verder",
        extra=[note("e1", Circle.INNER, EMOJI_NOTE, 9)],
    )
    pdf = render(state)
    text = text_of(pdf)
    assert "\ufffd" not in text
    assert "Samen 🎉 verder" in text
    assert "Taart 🎉 bij elk succes 👍🍕 ✅" in text  # in black and white: no skin tone
    assert "Symbola" in fonts_of(pdf)


def test_the_symbol_font_is_read_only_when_a_text_needs_it(
    render: Render, symbol_font: Path
) -> None:
    assert "Symbola" not in fonts_of(render(meeting()))


def fonts_of(pdf: Path) -> str:
    tool = require_binary("pdffonts", POPPLER_HINT)
    return subprocess.run(
        [tool, str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_without_the_fonts_the_error_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="fonts-dejavu-core"):
        to_pdf(build_summary(meeting(), DAY), labels(), fonts=tmp_path)
