"""What the follow-up summary holds, built from a room's state in one place.

Both renderings (Markdown and PDF) read only this model, so what the summary shows and hides is
decided here once: a note appears only while it is on the board (revealed, not hidden, deleted
or merged into another), and on an anonymous board no author name is carried at all.
Plans keep the `who` that people typed: that is what was agreed, not who wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.room.state import Circle, Note, PlanStatus, RoomState, ScaleStatus, Usefulness
from app.room.views import author_name


@dataclass(frozen=True, slots=True)
class SummaryNote:
    nid: str
    text: str
    author: str | None
    """None on an anonymous board, and when the author gave no name."""
    dots: int
    round: int


@dataclass(frozen=True, slots=True)
class RoundGroup:
    """The notes of one circle written in one round."""

    round: int
    notes: tuple[SummaryNote, ...]


@dataclass(frozen=True, slots=True)
class NextStep:
    """A small step forward: what, who and by when, for an outer item (if that is on the board)."""

    item: str | None
    what: str
    who: str
    when: str
    status: PlanStatus = PlanStatus.OPEN
    from_earlier: bool = False
    """Agreed at an earlier meeting of the board: its status is what a follow-up looks at."""


@dataclass(frozen=True, slots=True)
class ReflectionText:
    what: str
    improve: str


@dataclass(frozen=True, slots=True)
class Reflections:
    yes: int
    partly: int
    no: int
    texts: tuple[ReflectionText, ...]

    @property
    def count(self) -> int:
        return self.yes + self.partly + self.no


@dataclass(frozen=True, slots=True)
class ScaleResult:
    """The scale question after it was closed: how many gave each answer, 0 to 10."""

    distribution: tuple[int, ...]
    previous: tuple[int, ...] | None

    @property
    def answered(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        return average(self.distribution)

    @property
    def previous_average(self) -> float | None:
        return None if self.previous is None else average(self.previous)


def average(distribution: tuple[int, ...]) -> float | None:
    total = sum(distribution)
    if total == 0:
        return None
    return sum(value * count for value, count in enumerate(distribution)) / total


@dataclass(frozen=True, slots=True)
class Summary:
    topic: str
    language: str
    anonymous: bool
    day: date | None
    inner: tuple[SummaryNote, ...]
    outer: tuple[SummaryNote, ...]
    chosen: SummaryNote | None
    next_steps: tuple[NextStep, ...]
    reflections: Reflections
    agreements: str
    scale: ScaleResult | None
    meeting: int = 1
    moved_inward: tuple[SummaryNote, ...] = ()
    """Outer items that moved into the inner circle during this meeting."""
    round_topics: tuple[tuple[int, str], ...] = ()
    """The topic of each round in `rounds` (`topic` is the round on the circles now)."""

    def topic_of(self, round_number: int) -> str:
        return dict(self.round_topics).get(round_number, self.topic)

    @property
    def topics_differ(self) -> bool:
        """Whether a round of the notes had another topic than the title's."""
        return any(self.topic_of(r) != self.topic for r in self.rounds)

    @property
    def rounds(self) -> tuple[int, ...]:
        """The rounds that left notes on the board, in order."""
        return tuple(sorted({n.round for n in (*self.inner, *self.outer)}))

    def by_round(self, circle: Circle) -> tuple[RoundGroup, ...]:
        """A circle's notes grouped per round (one group when the board had one round)."""
        notes = self.inner if circle is Circle.INNER else self.outer
        groups = (RoundGroup(r, tuple(n for n in notes if n.round == r)) for r in self.rounds)
        return tuple(group for group in groups if group.notes)


def build_summary(state: RoomState, day: date | None = None) -> Summary:
    """The summary of `state`; `day` is the meeting's date (the core has no clock)."""
    tally = state.tally()

    def note(n: Note) -> SummaryNote:
        return SummaryNote(n.nid, n.text, author_name(state, n), tally.get(n.nid, 0), n.round)

    def circle(c: Circle) -> tuple[SummaryNote, ...]:
        # every round's notes on the board (not only the round on the circles now), in order
        on_board = (n for n in state.notes.values() if n.circle is c and n.on_board)
        return tuple(note(n) for n in sorted(on_board, key=lambda n: (n.round, n.order)))

    inner, outer = circle(Circle.INNER), circle(Circle.OUTER)
    on_board = {n.nid: n for n in (*inner, *outer)}
    steps = tuple(
        NextStep(
            item=on_board[p.nid].text if p.nid in on_board else None,
            what=p.what,
            who=p.who,
            when=p.when,
            status=p.status,
            from_earlier=p.meeting < state.meeting,
        )
        for p in sorted(state.plans.values(), key=lambda p: p.order)
    )
    answers = [r.useful for r in state.reflections.values()]
    reflections = Reflections(
        yes=answers.count(Usefulness.YES),
        partly=answers.count(Usefulness.PARTLY),
        no=answers.count(Usefulness.NO),
        texts=tuple(
            ReflectionText(r.what, r.improve)
            for r in state.reflections.values()
            if r.what or r.improve
        ),
    )
    scale = None
    if state.scale is ScaleStatus.CLOSED:
        scale = ScaleResult(state.scale_distribution(), state.scale_previous)
    return Summary(
        topic=state.topic,
        language=state.language.value,
        anonymous=state.anonymous,
        day=day,
        inner=inner,
        outer=outer,
        chosen=_chosen(state, on_board),
        next_steps=steps,
        reflections=reflections,
        agreements=state.agreements.strip(),
        scale=scale,
        meeting=state.meeting,
        moved_inward=tuple(n for n in inner if state.notes[n.nid].inward_meeting == state.meeting),
        round_topics=tuple(
            (r, _topic_of_round(state, r)) for r in sorted({n.round for n in (*inner, *outer)})
        ),
    )


def _chosen(state: RoomState, on_board: dict[str, SummaryNote]) -> SummaryNote | None:
    """The chosen outer item; when it was merged into another note, the note it became."""
    nid = state.chosen
    seen: set[str] = set()
    while nid is not None and nid not in on_board and nid not in seen:
        seen.add(nid)
        merged = state.notes.get(nid)
        nid = merged.merged_into if merged is not None and not merged.deleted else None
    return on_board.get(nid) if nid is not None else None


def _topic_of_round(state: RoomState, round_number: int) -> str:
    """The round's topic: the current one's, or the last an earlier round of that number had."""
    if round_number == state.round:
        return state.topic
    past = (r.topic for r in reversed(state.past_rounds) if r.round == round_number)
    return next(past, state.topic)
