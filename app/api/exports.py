"""The board as Markdown, CSV and JSON: topic, both circles, the chosen item, plans, closing.

With a second round, each round of the meeting comes in turn (round I first), with its own
topic, circles, chosen item, dots and plans.

User text is data here too: Markdown is escaped, CSV cells that a spreadsheet would run as a
formula are neutralised, and on an anonymous board no author appears anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Response, status
from starlette.concurrency import run_in_threadpool

from app.api.boards import facilitated_board, facilitated_state
from app.api.deps import HubDep, SettingsDep
from app.config import Settings
from app.hub.hub import RoomHub
from app.room import RoomState
from app.room.state import Circle, Note, Plan, RoundRecord
from app.room.views import author_name
from app.summary import Labels, Summary, build_summary
from app.summary import to_markdown as summary_markdown

router = APIRouter(prefix="/api")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@cache
def _catalogue(web_dir: str, language: str) -> dict[str, str]:
    with open(f"{web_dir}/i18n/{language}.json", encoding="utf-8") as file:
        data: dict[str, str] = json.load(file)
    return data


def label(settings: Settings, state: RoomState, key: str) -> str:
    try:
        return _catalogue(str(settings.web_dir), state.language.value).get(key, key)
    except OSError:
        return key


def md(text: str) -> str:
    """User text as literal Markdown text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def board_notes(state: RoomState, circle: Circle) -> list[Note]:
    return state.reading_order(circle)


def round_notes(state: RoomState, record: RoundRecord, circle: Circle) -> list[Note]:
    """An earlier round's notes of a circle as they were on its board, in reading order."""
    return sorted(
        (
            n
            for n in state.notes.values()
            if n.circle is circle
            and n.on_board
            and n.round == record.round
            and n.meeting <= record.meeting
        ),
        key=lambda n: n.order,
    )


def _round_data(
    state: RoomState,
    number: int,
    topic: str,
    chosen: str | None,
    tally: Mapping[str, int],
    notes: Callable[[Circle], list[Note]],
    plans: list[Plan],
) -> dict[str, Any]:
    def note(n: Note) -> dict[str, Any]:
        return {
            "id": n.nid,
            "text": n.text,
            "author": author_name(state, n),
            "dots": tally.get(n.nid, 0),
        }

    return {
        "round": number,
        "topic": topic,
        "inner": [note(n) for n in notes(Circle.INNER)],
        "outer": [note(n) for n in notes(Circle.OUTER)],
        "chosen": chosen,
        "plans": [
            {
                "note": p.nid,
                "what": p.what,
                "who": p.who,
                "when": p.when,
                "author": author_name(state, p),
                "meeting": p.meeting,
                "status": p.status.value,
            }
            for p in sorted(plans, key=lambda p: p.order)
        ],
    }


def rounds_data(state: RoomState) -> list[dict[str, Any]]:
    """Every round of this meeting, the current one last."""
    earlier = [
        _round_data(
            state,
            r.round,
            r.topic,
            r.chosen,
            r.tally,
            partial(round_notes, state, r),
            [p for p in state.plans.values() if p.round == r.round and p.meeting <= r.meeting],
        )
        for r in state.past_rounds
        if r.meeting == state.meeting
    ]
    current = _round_data(
        state,
        state.round,
        state.topic,
        state.chosen,
        state.tally(),
        lambda circle: board_notes(state, circle),
        [p for p in state.plans.values() if state.in_current_round(p)],
    )
    return [*earlier, current]


def export_data(state: RoomState) -> dict[str, Any]:
    """The meeting; `inner`, `outer`, `chosen` and `plans` are the current round's, `rounds`
    holds every round of the meeting (round I first) in the same shape."""
    rounds = rounds_data(state)
    current = rounds[-1]
    return {
        "topic": state.topic,
        "language": state.language.value,
        "anonymous": state.anonymous,
        "phase": state.phase.value,
        "round": state.round,
        "inner": current["inner"],
        "outer": current["outer"],
        "chosen": current["chosen"],
        "plans": current["plans"],
        "rounds": rounds,
        "reflections": [
            {"useful": r.useful.value, "what": r.what, "improve": r.improve}
            for r in state.reflections.values()
        ],
        "agreements": state.agreements,
        "meeting": state.meeting,
        "sheets": shared_sheets(state),
    }


def shared_sheets(state: RoomState) -> list[dict[str, Any]]:
    """A duo board's sheets whose interviewees shared them; the others stay out of exports."""
    out = []
    for owner in sorted(state.sheets):
        sheet = state.sheets[owner]
        if not sheet.shared:
            continue
        person = state.participants.get(owner)
        notes = state.sheet_notes(owner)
        out.append(
            {
                "name": None if state.anonymous or person is None else person.name or None,
                "activity": sheet.activity,
                "inner": [n.text for n in notes if n.circle is Circle.INNER],
                "outer": [n.text for n in notes if n.circle is Circle.OUTER],
                "chosen": next((n.text for n in notes if n.nid == sheet.chosen), None),
                "small_step": sheet.small_step,
            }
        )
    return out


def to_markdown(state: RoomState, settings: Settings) -> str:
    data = export_data(state)

    def t(key: str) -> str:
        return label(settings, state, key)

    rounds = data["rounds"]
    several = len(rounds) > 1
    lines = [f"# {md(rounds[0]['topic'])}", ""]
    for block in rounds:
        if several:
            heading = t(f"export.round.{block['round']}")
            lines += [f"## {heading}: {md(block['topic'])}", ""]
        lines += _round_markdown(block, "###" if several else "##", t)
    if data["reflections"]:
        lines += [f"## {t('export.reflections')}", ""]
        for r in data["reflections"]:
            parts = [t(f"export.useful.{r['useful']}")]
            parts += [md(x) for x in (r["what"], r["improve"]) if x]
            lines.append("- " + " · ".join(parts))
        lines.append("")
    for sheet in data["sheets"]:
        title = t("export.sheet") + (f": {md(sheet['name'])}" if sheet["name"] else "")
        lines += [f"## {title}", "", f"**{t('export.activity')}**: {md(sheet['activity'])}", ""]
        for circle in ("inner", "outer"):
            lines += [f"### {t(f'export.{circle}')}", ""]
            lines += [f"- {md(text)}" for text in sheet[circle]]
            lines.append("")
        if sheet["chosen"]:
            lines += [f"**{t('export.chosen')}**: {md(sheet['chosen'])}", ""]
        if sheet["small_step"]:
            lines += [f"**{t('export.small_step')}**: {md(sheet['small_step'])}", ""]
    if data["agreements"]:
        lines += [f"## {t('export.agreements')}", "", md(data["agreements"]), ""]
    lines += ["---", t("method.credit"), ""]
    return "\n".join(lines)


def _round_markdown(block: dict[str, Any], h: str, t: Callable[[str], str]) -> list[str]:
    # Both circles: an item whose step was taken may have moved inward at a follow-up.
    texts = {n["id"]: n["text"] for circle in ("inner", "outer") for n in block[circle]}
    lines: list[str] = []
    for circle in ("inner", "outer"):
        lines += [f"{h} {t(f'export.{circle}')}", ""]
        for n in block[circle]:
            extra = f" ({md(n['author'])})" if n["author"] else ""
            dots = f" [{n['dots']}]" if n["dots"] else ""
            lines.append(f"- {md(n['text'])}{extra}{dots}")
        lines.append("")
    if block["chosen"]:
        lines += [f"{h} {t('export.chosen')}", "", md(texts.get(block["chosen"], "")), ""]
    if block["plans"]:
        lines += [f"{h} {t('export.plans')}", ""]
        for plan in block["plans"]:
            done = f" ({t('followup.status.done')})" if plan["status"] == "done" else ""
            lines.append(
                f"- **{md(texts.get(plan['note'], ''))}**: {md(plan['what'])}{done}"
                f" ({t('export.who')}: {md(plan['who'])}; {t('export.when')}: {md(plan['when'])})"
            )
        lines.append("")
    return lines


def to_csv(state: RoomState) -> str:
    """One row per topic, note, plan, reflection; the last column says which round."""
    data = export_data(state)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "circle", "text", "author", "dots", "who", "when", "round"])
    for block in data["rounds"]:
        number = block["round"]
        writer.writerow(["topic", "", csv_cell(block["topic"]), "", "", "", "", number])
        for circle in ("inner", "outer"):
            for n in block[circle]:
                chosen = "chosen" if n["id"] == block["chosen"] else "note"
                writer.writerow(
                    [
                        chosen,
                        circle,
                        csv_cell(n["text"]),
                        csv_cell(n["author"] or ""),
                        n["dots"],
                        "",
                        "",
                        number,
                    ]
                )
        for plan in block["plans"]:
            writer.writerow(
                [
                    "plan",
                    "outer",
                    csv_cell(plan["what"]),
                    csv_cell(plan["author"] or ""),
                    "",
                    csv_cell(plan["who"]),
                    csv_cell(plan["when"]),
                    number,
                ]
            )
    for r in data["reflections"]:
        writer.writerow(
            ["reflection", r["useful"], csv_cell(r["what"]), "", "", csv_cell(r["improve"]), "", ""]
        )
    for sheet in data["sheets"]:
        name = csv_cell(sheet["name"] or "")
        writer.writerow(["sheet_activity", "", csv_cell(sheet["activity"]), name, "", "", ""])
        for circle in ("inner", "outer"):
            for text in sheet[circle]:
                kind = "sheet_chosen" if text == sheet["chosen"] else "sheet_note"
                writer.writerow([kind, circle, csv_cell(text), name, "", "", ""])
        if sheet["small_step"]:
            writer.writerow(["sheet_step", "", csv_cell(sheet["small_step"]), name, "", "", ""])
    if data["agreements"]:
        writer.writerow(["agreements", "", csv_cell(data["agreements"]), "", "", "", "", ""])
    return out.getvalue()


def _download(body: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


Auth = Annotated[str | None, Header()]


@router.get("/boards/{room_id}/export.md", response_class=Response)
async def export_markdown(
    room_id: str, hub: HubDep, settings: SettingsDep, authorization: Auth = None
) -> Response:
    """The board as Markdown, for the follow-up mail."""
    state = await facilitated_state(hub, room_id, authorization)
    return _download(to_markdown(state, settings), "text/markdown; charset=utf-8", "cirkelbord.md")


@router.get("/boards/{room_id}/export.csv", response_class=Response)
async def export_csv(room_id: str, hub: HubDep, authorization: Auth = None) -> Response:
    """The board as CSV, one row per note, plan or reflection."""
    state = await facilitated_state(hub, room_id, authorization)
    return _download(to_csv(state), "text/csv; charset=utf-8", "cirkelbord.csv")


@router.get("/boards/{room_id}/export.json")
async def export_json(room_id: str, hub: HubDep, authorization: Auth = None) -> dict[str, Any]:
    """The board as JSON."""
    state = await facilitated_state(hub, room_id, authorization)
    return export_data(state)


def summary_file_name(summary: Summary, prefix: str, extension: str) -> str:
    """`samenvatting-our-topic-2026-11-23.pdf`: ASCII only, so every mail client keeps it."""
    ascii_topic = unicodedata.normalize("NFKD", summary.topic).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_topic.lower()).strip("-")[:40].strip("-")
    parts = [prefix or "summary", slug, summary.day.isoformat() if summary.day else ""]
    return "-".join(p for p in parts if p) + f".{extension}"


async def _summary(
    hub: RoomHub, settings: Settings, room_id: str, authorization: str | None
) -> tuple[Summary, Labels]:
    """The summary of a board, for its facilitator, with the labels in the board's language."""
    board = await facilitated_board(hub, room_id, authorization)
    state = (await hub.room(room_id)).state

    def t(key: str) -> str:
        return label(settings, state, key)

    # The date of the board's last change: the meeting's, even when exported days later.
    return build_summary(state, board.last_activity_at.date()), t


@router.get("/boards/{room_id}/summary.md", response_class=Response)
async def summary_md(
    room_id: str, hub: HubDep, settings: SettingsDep, authorization: Auth = None
) -> Response:
    """The follow-up summary as Markdown, ready to paste into a mail."""
    summary, t = await _summary(hub, settings, room_id, authorization)
    name = summary_file_name(summary, t("summary.file"), "md")
    return _download(summary_markdown(summary, t), "text/markdown; charset=utf-8", name)


@router.get("/boards/{room_id}/summary.pdf", response_class=Response)
async def summary_pdf(
    room_id: str, hub: HubDep, settings: SettingsDep, authorization: Auth = None
) -> Response:
    """The follow-up summary as a printable A4 PDF with a picture of the circles."""
    from app.summary.pdf import FontsMissing, to_pdf  # loaded on first use (fpdf2 is large)

    summary, t = await _summary(hub, settings, room_id, authorization)
    try:
        # Laying out the page and subsetting the fonts is CPU work: off the event loop.
        body = await run_in_threadpool(to_pdf, summary, t)
    except FontsMissing as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from error
    return _download(body, "application/pdf", summary_file_name(summary, t("summary.file"), "pdf"))
