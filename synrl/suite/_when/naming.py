"""Helpers for the tasks' "when" namers: name events by kind with one phrase function per
event type, wall contacts the same way everywhere, long-term questions after the task's
preface."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from synrl.scene import Event, Simulation
from synrl.suite._when.family import NTH, Moment

#: Phrases of one event: (question with {nth}, clause with {nth}), or None to leave it out,
#: or a list of (question, clause, edge) for the moments of its edges ("start", "end").
Phrase = Callable[[Event], "tuple[str, str] | list[tuple[str, str, str]] | None"]


def by_type(sim: Simulation, phrases: Mapping[str, Phrase], prefix: str = "") -> list[Moment]:
    """A moment for every timeline event whose type has a phrase (and which it names);
    ``prefix`` goes before every question (a long-term task's preface)."""
    out = []
    for index, event in enumerate(sim.timeline):
        phrase = phrases.get(event.type)
        said = phrase(event) if phrase else None
        for question, clause, *edge in ([said] if isinstance(said, tuple) else said or []):
            out.append(Moment(index, f"{prefix} {question}".strip(), clause,
                              edge[0] if edge else None))
    return out


def object_name(sim: Simulation, object_id: str, frame: int = 0) -> str:
    """"red circle": the object's colour and shape at ``frame``."""
    from synrl.scene import shape_name

    track = sim.track(object_id)
    return f"{track.color_at(frame)} {shape_name(track.shape_at(frame))}"


def wall_contact(sim: Simulation) -> Phrase:
    """"When does the red circle touch the top wall{nth}?"."""
    def phrase(event: Event) -> tuple[str, str]:
        name = object_name(sim, event.params["object"])
        wall = event.params["wall"]
        return (f"When does the {name} touch the {wall} wall{NTH}?",
                f"the {name} touches the {wall} wall{NTH}")
    return phrase


def frame_before(sim: Simulation, event: Event) -> int:
    """The last frame before an instantaneous change at ``event``."""
    return max(0, int(round(event.start_s * sim.video.fps)) - 1)


def preface(task: object, sim: Simulation) -> str:
    """A long-term task's sentence on what its video shows (``task.preface(story)``)."""
    return str(task.preface(sim.facts["story"]))  # type: ignore[attr-defined]
