"""The follow-up summary a facilitator mails after the meeting: one model, two renderings.

`build_summary(state, day)` decides what the summary holds; `to_markdown` and `to_pdf` draw it
with the board's catalogue (`Labels`).
"""

from app.summary.document import Labels
from app.summary.markdown import to_markdown
from app.summary.model import Summary, build_summary
from app.summary.pdf import FontsMissing, to_pdf

__all__ = ["FontsMissing", "Labels", "Summary", "build_summary", "to_markdown", "to_pdf"]
