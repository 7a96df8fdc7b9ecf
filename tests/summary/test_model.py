"""The summary model and its Markdown: what it holds, what it never holds, and how it reads."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from app.room.state import Circle, Language, PlanStatus, RoomState, RoundRecord, ScaleStatus
from app.summary import build_summary, to_markdown
from app.summary.document import step_details
from app.summary.model import NextStep
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
    meeting,
    note,
)

GONE = (HIDDEN, DELETED, MERGED, UNREVEALED)
FIRST_TOPIC = "Samenwerking in het team"


def texts(state: RoomState) -> list[str]:
    summary = build_summary(state, DAY)
    return [n.text for n in (*summary.inner, *summary.outer)]


def test_only_notes_on_the_board_appear() -> None:
    summary = build_summary(meeting(), DAY)
    assert [n.text for n in summary.inner] == ["We beginnen op tijd", "Iedereen komt aan het woord"]
    assert [n.nid for n in summary.outer] == ["o1", "o2"]
    markdown = to_markdown(summary, labels())
    for gone in GONE:
        assert gone not in markdown


def test_a_plan_for_a_note_off_the_board_keeps_its_step_but_not_the_note() -> None:
    summary = build_summary(meeting(), DAY)
    assert summary.next_steps == (
        NextStep(CHOSEN, "Notulen in de chat zetten", "Ann", "maandag"),
        NextStep(None, "Een plan bij iets verborgens", "Bram", ""),
    )


@pytest.mark.parametrize("anonymous", [False, True])
def test_no_author_name_on_an_anonymous_board(anonymous: bool) -> None:
    summary = build_summary(meeting(anonymous=anonymous), DAY)
    authors = {n.author for n in (*summary.inner, *summary.outer)}
    markdown = to_markdown(summary, labels())
    if anonymous:
        assert authors == {None}
        assert not any(name in markdown or name in repr(summary) for name in NAMES.values())
    else:
        assert authors == set(NAMES.values())
        assert all(f"*({name})*" in markdown for name in NAMES.values())
    # what people typed in a plan's "who" is the agreement itself, on every board
    assert "wie: Ann; wanneer: maandag" in markdown


def test_notes_are_grouped_by_round_when_there_was_more_than_one() -> None:
    one_round = build_summary(meeting(), DAY)
    assert [g.round for g in one_round.by_round(Circle.INNER)] == [1]
    assert "Ronde" not in to_markdown(one_round, labels())

    later = [
        note("i3", Circle.INNER, "Tweede ronde binnen", 0, round=2),
        note("o3", Circle.OUTER, "Tweede ronde buiten", 0, round=2),
    ]
    summary = build_summary(meeting(extra=later, round=2), DAY)
    inner = summary.by_round(Circle.INNER)
    assert [(g.round, [n.nid for n in g.notes]) for g in inner] == [(1, ["i1", "i2"]), (2, ["i3"])]
    assert [n.nid for n in summary.outer] == ["o1", "o2", "o3"], "a later round comes after"
    markdown = to_markdown(summary, labels())
    inner_part = markdown.split("## Binnencirkel")[1].split("## Buitencirkel")[0]
    assert re.search(r"### Ronde 1\n\n- We beginnen op tijd", inner_part)
    assert re.search(r"### Ronde 2\n\n- Tweede ronde binnen", inner_part)
    english = to_markdown(
        build_summary(meeting(extra=later, language=Language.EN), DAY), labels("en")
    )
    assert "### Round 2" in english


def test_a_round_with_another_topic_than_the_title_is_named_with_its_topic() -> None:
    """Round II started on a new topic and went to the closing unread: the summary's title is
    round II's topic, and the circles it lists are round I's, so they say which topic."""
    first = RoundRecord(meeting=1, round=1, topic=FIRST_TOPIC, chosen="o1", tally={})
    unread = [note("i3", Circle.INNER, "Nog niet gelezen", 0, round=2, revealed=False)]
    state = meeting(extra=unread, round=2, topic="Rust in de planning", past_rounds=(first,))
    summary = build_summary(state, DAY)
    assert summary.topic == "Rust in de planning" and summary.rounds == (1,)
    markdown = to_markdown(summary, labels())
    assert markdown.startswith("# Rust in de planning")
    inner_part = markdown.split("## Binnencirkel")[1].split("## Buitencirkel")[0]
    assert re.search(rf"### Ronde 1: {FIRST_TOPIC}\n\n- We beginnen op tijd", inner_part)

    # Both rounds read: each under its own topic.
    read = [note("i3", Circle.INNER, "Tweede ronde binnen", 0, round=2)]
    state = meeting(extra=read, round=2, topic="Rust in de planning", past_rounds=(first,))
    markdown = to_markdown(build_summary(state, DAY), labels("en"))
    assert (
        f"### Round 1: {FIRST_TOPIC}" in markdown and "### Round 2: Rust in de planning" in markdown
    )


def test_the_chosen_item_follows_a_merge_and_vanishes_with_its_note() -> None:
    assert build_summary(meeting(chosen="m1"), DAY).chosen is not None
    assert build_summary(meeting(chosen="m1"), DAY).chosen.nid == "o1"  # type: ignore[union-attr]
    assert build_summary(meeting(chosen="h1"), DAY).chosen is None
    assert build_summary(meeting(chosen=None), DAY).chosen is None


def test_reflections_scale_and_dots_are_counted() -> None:
    summary = build_summary(meeting(), DAY)
    assert (summary.reflections.yes, summary.reflections.partly, summary.reflections.no) == (
        1,
        1,
        0,
    )
    assert summary.scale is not None and summary.scale.average == 6.5
    assert [n.dots for n in summary.outer] == [2, 1]
    markdown = to_markdown(summary, labels())
    assert "Ja: 1 · Deels: 1 · Nee: 0" in markdown
    assert "Gemiddeld: 6,5 *(2 antwoorden)*" in markdown
    assert "Vorige keer gemiddeld: 4,5" in markdown
    assert "*(Bram de Vries) · 2 stippen*" in markdown
    not_closed = build_summary(meeting(scale=ScaleStatus.OPEN), DAY)
    assert not_closed.scale is None, "answers count only once the question is closed"


def test_markdown_reads_as_a_mail_and_user_text_stays_text() -> None:
    markdown = to_markdown(build_summary(meeting(), DAY), labels())
    assert markdown.startswith("# Vergaderen \\*beter\\* met team Noord\n")
    assert "23 november 2026" in markdown
    assert "\\[klik\\](http://x) en \\*nadruk\\*" in markdown
    assert f"## Als eerste naar de binnencirkel\n\n**{CHOSEN}**" in markdown
    assert "**Besluiten leggen we vast in de notulen**: Notulen in de chat zetten" in markdown
    assert "Over vier weken opnieuw\n\nDan met taart" in markdown
    assert markdown.rstrip().endswith(
        "*Uit het werkpakket van Centrum Progressiegericht Werken (cpw.nu)*"
    )
    assert "summary." not in markdown and "export." not in markdown, "every label is translated"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# kop", "\\# kop"),
        ("1. lijst", "1\\. lijst"),
        ("- punt", "\\- punt"),
        ("> quote", "\\> quote"),
        ("<script>x</script>", "\\<script\\>x\\</script\\>"),
        ("`code` ~weg~ a|b", "\\`code\\` \\~weg\\~ a\\|b"),
    ],
)
def test_user_text_cannot_become_markup(text: str, escaped: str) -> None:
    markdown = to_markdown(build_summary(meeting(agreements=text), DAY), labels())
    assert f"\n{escaped}\n" in markdown


def test_a_note_on_several_lines_stays_one_list_item() -> None:
    extra = [note("i9", Circle.INNER, "twee\n# regels", 9)]
    markdown = to_markdown(build_summary(meeting(extra=extra), DAY), labels())
    assert "\n- twee # regels *(Ann Jansen)*\n" in markdown, "a # inside a line is no heading"


def test_a_next_step_lists_its_labelled_details() -> None:
    step = NextStep("item", "wat", "Ann", "vrijdag")
    assert step_details(step, labels("en")) == [("who", "Ann"), ("by when", "vrijdag")]


def test_the_board_language_picks_the_catalogue() -> None:
    english = to_markdown(build_summary(meeting(language=Language.EN), DAY), labels("en"))
    assert "## Inner circle: progress already made" in english
    assert "23 November 2026" in english and "Average: 6.5" in english
    assert "summary." not in english and "export." not in english, "every label is translated"
    assert TOPIC.split()[0] in english


SUMMARY_KEYS = [
    *("summary.kind", "summary.file", "summary.date_format", "summary.months", "summary.page"),
    *("summary.round", "summary.none", "summary.dots.one", "summary.dots.other"),
    *("summary.scale.average", "summary.scale.answered.one", "summary.scale.answered.other"),
    *("summary.scale.distribution", "summary.scale.previous"),
    *("summary.picture.overflow.one", "summary.picture.overflow.other"),
    *("scale.title", "scale.question", "reflect.what", "reflect.improve", "method.credit"),
    *("screen.export.summary.pdf", "screen.export.summary.md"),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_summary_label_is_translated(language: str) -> None:
    t = labels(language)
    assert [key for key in SUMMARY_KEYS if t(key) == key] == []
    assert len(t("summary.months").split(",")) == 12


def test_a_follow_up_summary_shows_what_moved_inward_and_each_step_s_status() -> None:
    base = meeting()
    moved = replace(base.notes["o1"], circle=Circle.INNER, inward_meeting=2, inward_ms=1)
    plans = {
        pid: replace(plan, status=PlanStatus.DONE) if plan.nid == "o1" else plan
        for pid, plan in base.plans.items()
    }
    state = replace(base, meeting=2, notes={**base.notes, "o1": moved}, plans=plans)
    summary = build_summary(state, DAY)
    assert [n.nid for n in summary.moved_inward] == ["o1"]
    assert all(step.from_earlier for step in summary.next_steps)
    markdown = to_markdown(summary, labels())
    assert "Naar binnen verplaatst in deze bijeenkomst" in markdown
    assert "Bijeenkomst 2" in markdown
    assert "status: Gedaan" in markdown and "status: Nog open" in markdown


def test_a_first_meeting_summary_leaves_the_step_status_out() -> None:
    markdown = to_markdown(build_summary(meeting(), DAY), labels())
    assert "status:" not in markdown
    assert "Bijeenkomst" not in markdown
