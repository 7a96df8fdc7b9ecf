"""The follow-up summary a facilitator mails after the meeting: one model, two renderings.

`build_summary(state, day)` decides what the summary holds; `to_markdown` and `to_pdf` draw it
with the board's catalogue (`Labels`).
"""

from typing import TYPE_CHECKING, Any

from app.summary.document import Labels
from app.summary.markdown import to_markdown
from app.summary.model import Summary, build_summary

if TYPE_CHECKING:
    from app.summary.pdf import FontsMissing, to_pdf


def __getattr__(name: str) -> Any:
    """The PDF rendering loads on first use: fpdf2 and fontTools are about 10 MiB of memory
    that a server which never prints a summary does not need."""
    if name in ("FontsMissing", "to_pdf"):
        from app.summary import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FontsMissing", "Labels", "Summary", "build_summary", "to_markdown", "to_pdf"]
