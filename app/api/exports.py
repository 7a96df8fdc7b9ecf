"""The board as Markdown, CSV and JSON: topic, both circles, the chosen item, plans, closing.

User text is data here too: Markdown is escaped, CSV cells that a spreadsheet would run as a
formula are neutralised, and on an anonymous board no author appears anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from app.api.boards import facilitated_state
from app.api.deps import HubDep, SettingsDep
from app.config import Settings
from app.room import RoomState
from app.room.state import Circle, Note
from app.room.views import author_name

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


def export_data(state: RoomState) -> dict[str, Any]:
    tally = state.tally()

    def note(n: Note) -> dict[str, Any]:
        return {
            "id": n.nid,
            "text": n.text,
            "author": author_name(state, n),
            "dots": tally.get(n.nid, 0),
        }

    return {
        "topic": state.topic,
        "language": state.language.value,
        "anonymous": state.anonymous,
        "phase": state.phase.value,
        "inner": [note(n) for n in board_notes(state, Circle.INNER)],
        "outer": [note(n) for n in board_notes(state, Circle.OUTER)],
        "chosen": state.chosen,
        "plans": [
            {
                "note": p.nid,
                "what": p.what,
                "who": p.who,
                "when": p.when,
                "author": author_name(state, p),
            }
            for p in sorted(state.plans.values(), key=lambda p: p.order)
        ],
        "reflections": [
            {"useful": r.useful.value, "what": r.what, "improve": r.improve}
            for r in state.reflections.values()
        ],
        "agreements": state.agreements,
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

    texts = {n["id"]: n["text"] for n in data["outer"]}
    lines = [f"# {md(state.topic)}", ""]
    for circle in ("inner", "outer"):
        lines += [f"## {t(f'export.{circle}')}", ""]
        for n in data[circle]:
            extra = f" ({md(n['author'])})" if n["author"] else ""
            dots = f" [{n['dots']}]" if n["dots"] else ""
            lines.append(f"- {md(n['text'])}{extra}{dots}")
        lines.append("")
    if data["chosen"]:
        lines += [f"## {t('export.chosen')}", "", md(texts.get(data["chosen"], "")), ""]
    if data["plans"]:
        lines += [f"## {t('export.plans')}", ""]
        for plan in data["plans"]:
            lines.append(
                f"- **{md(texts.get(plan['note'], ''))}**: {md(plan['what'])}"
                f" ({t('export.who')}: {md(plan['who'])}; {t('export.when')}: {md(plan['when'])})"
            )
        lines.append("")
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


def to_csv(state: RoomState) -> str:
    data = export_data(state)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "circle", "text", "author", "dots", "who", "when"])
    writer.writerow(["topic", "", csv_cell(state.topic), "", "", "", ""])
    for circle in ("inner", "outer"):
        for n in data[circle]:
            chosen = "chosen" if n["id"] == data["chosen"] else "note"
            writer.writerow(
                [
                    chosen,
                    circle,
                    csv_cell(n["text"]),
                    csv_cell(n["author"] or ""),
                    n["dots"],
                    "",
                    "",
                ]
            )
    for plan in data["plans"]:
        writer.writerow(
            [
                "plan",
                "outer",
                csv_cell(plan["what"]),
                csv_cell(plan["author"] or ""),
                "",
                csv_cell(plan["who"]),
                csv_cell(plan["when"]),
            ]
        )
    for r in data["reflections"]:
        writer.writerow(
            ["reflection", r["useful"], csv_cell(r["what"]), "", "", csv_cell(r["improve"]), ""]
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
        writer.writerow(["agreements", "", csv_cell(data["agreements"]), "", "", "", ""])
    return out.getvalue()


def _download(body: str, media_type: str, name: str) -> Response:
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
