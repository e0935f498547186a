"""Building tracking questions from a simulation's tracks.

The asked times lie on the grid of :data:`synrl.scene.SAMPLED_FPS` (every half second): a
model that samples the video at that rate sees exactly the asked frames, so the answer
never needs a frame it was not shown. Each answer box is the drawn extent of the object in
that frame (:func:`synrl.render.canvas.sprite_box`: the pixels the rasteriser covers at
least half, so a spinning T's box changes with its angle and a star's thin tips count as
far as they are drawn), in whole pixels.

An object is tracked only if no other object has its colour (the box it is given by, and
any colour-based reading of the frames, then point at it alone) and only where the pixels
show it whole: at the first frame and at every
asked frame its box, widened by :data:`CLEAR_MARGIN_PX`, touches no other object's, so
neither the model nor the pixel audit has to guess an occluded outline, and the first
frame's box points at one object only. The object must also leave its first place: the
first-frame box repeated for every time (the blind answer to "give its box later") overlaps
the answers by a mean IoU under :data:`MAX_STAY_IOU`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from synrl.answers import box_iou
from synrl.render.canvas import Sprite, sprite_box
from synrl.scene import PALETTE, SAMPLED_FPS, Simulation, Track
from synrl.suite._when.naming import object_name
from synrl.suite.base import Question, TaskError

#: Times asked per question: VideoChat-R1's tracking answers list a box per sampled frame;
#: four spread over a 3-5 s clip keep the answer short and the motion between them visible.
TRACK_TIMES = 4
TIME_STEP_S = 1.0 / SAMPLED_FPS
# After 4:2:0 encoding the faint antialiased rim of one object can read as a nearby object
# of a similar colour (magenta next to purple): 3 px apart, a purple hexagon's measured box
# grew 25 px into a magenta square above it. Boxes this far apart stay separable.
CLEAR_MARGIN_PX = 8.0
MAX_STAY_IOU = 0.3
#: Renderers whose objects are sprites with a drawn extent (the long-term boards draw cards,
#: cups and cells whose extent is the board's, not a track's).
TRACKABLE_RENDERERS = ("sprites",)
ATTEMPTS = 48

Box = list[int]


def track_box(track: Track, frame: int) -> tuple[int, int, int, int] | None:
    """The drawn extent of ``track`` in ``frame``."""
    return sprite_box(Sprite(track.shape_at(frame), PALETTE[track.color_at(frame)],
                             float(track.x[frame]), float(track.y[frame]),
                             track.radius * float(track.scale[frame]), float(track.angle[frame])))


def box_text(box: Sequence[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in box) + "]"


def grid_frames(sim: Simulation) -> list[int]:
    """Frames at the multiples of TIME_STEP_S after the first, inside the clip, that fall
    on a frame exactly (at 15 fps only the whole seconds do)."""
    fps = sim.video.fps
    out = []
    for k in range(1, int(sim.duration_s / TIME_STEP_S) + 1):
        at = k * TIME_STEP_S * fps
        if abs(at - round(at)) < 1e-9 and round(at) <= sim.num_frames - 1:
            out.append(int(round(at)))
    return out


def _colours(track: Track) -> set[str]:
    return set(track.colors or [track.color])


def _colour_of_its_own(sim: Simulation, track: Track) -> bool:
    """No other object ever takes a colour this one takes."""
    return not any(_colours(track) & _colours(other) for other in sim.tracks if other is not track)


def _clear(sim: Simulation, track: Track, frame: int) -> bool:
    """The object is drawn in ``frame`` and no other object's box comes near its box."""
    mine = track_box(track, frame) if track.visible[frame] else None
    if mine is None:
        return False
    x1, y1, x2, y2 = mine
    m = CLEAR_MARGIN_PX
    for other in sim.tracks:
        theirs = track_box(other, frame) if other is not track and other.visible[frame] else None
        if theirs is None:
            continue
        a1, b1, a2, b2 = theirs
        if a1 < x2 + m and x1 - m < a2 and b1 < y2 + m and y1 - m < b2:
            return False
    return True


def track_question(sim: Simulation, index: int, rng: np.random.Generator) -> Question | None:
    """The tracking question of sample ``index`` (its rank among the run's tracking
    samples of this task), or None when no object can be tracked in ``sim``: even ranks
    give the first frame's box, odd ranks the object's name."""
    if sim.renderer not in TRACKABLE_RENDERERS:
        return None
    grid = grid_frames(sim)
    for i in rng.permutation(len(sim.tracks)):
        track = sim.tracks[int(i)]
        if not _colour_of_its_own(sim, track):
            continue
        if not _clear(sim, track, 0):
            continue
        frames = [f for f in grid if _clear(sim, track, f)]
        if len(frames) < TRACK_TIMES:
            continue
        chosen = sorted(int(f) for f in rng.choice(frames, TRACK_TIMES, replace=False))
        first = list(track_box(track, 0))
        boxes = [list(track_box(track, f)) for f in chosen]
        if np.mean([box_iou(first, b) for b in boxes]) >= MAX_STAY_IOU:
            continue  # it stays put: repeating the first box would answer
        return _phrase(sim, track, index % 2 == 0, first, chosen, boxes)
    return None


def _phrase(sim: Simulation, track: Track, given_box: bool, first: Box, frames: list[int],
            boxes: list[Box]) -> Question:
    fps = sim.video.fps
    times = [round(f / fps, 2) for f in frames]
    when = ", ".join(f"{t:.1f} s" for t in times[:-1]) + f" and {times[-1]:.1f} s"
    frame = (f"pixel coordinates of the {sim.video.width}x{sim.video.height} frame, x to the "
             "right and y down from the top-left corner")
    if given_box:
        text = (f"In the first frame, the box {box_text(first)} ({frame}) holds one object. "
                f"Track that object: give its bounding box [x1, y1, x2, y2] at {when}.")
    else:
        text = (f"Track the {object_name(sim, track.id)}: give its bounding box "
                f"[x1, y1, x2, y2] ({frame}) at {when}.")
    query: dict[str, Any] = {"kind": "track", "object": track.id,
                             "given": "box" if given_box else "name", "first_box": first,
                             "times_s": times, "frames": frames}
    answer_text = ", ".join(box_text(b) for b in boxes)
    return Question(text, "box", boxes, answer_text, None, query, boxes)


def track_sample(task_id: str, form: str, index: int, stream: str, rng: np.random.Generator,
                 simulate: Callable[[int], Simulation]) -> tuple[Simulation, Question]:
    """Simulate (``simulate(plan_index)``) until the video has an object to track: plan
    ``index``, then the next plans (both objects may cross at every asked time)."""
    for attempt in range(ATTEMPTS):
        sim = simulate(index + attempt)
        if sim.renderer not in TRACKABLE_RENDERERS:
            raise TaskError(f"task {task_id!r} asks no tracking questions: it draws a board "
                            f"({sim.renderer!r}), not objects with a box of their own (leave "
                            "it out with --tasks)")
        question = track_question(sim, index, rng)
        if question is not None:
            return sim, question
    raise TaskError(f"task {task_id!r}: no simulation in {ATTEMPTS} attempts with an object "
                    f"that leaves its first-frame box and stays clear of the others at "
                    f"{TRACK_TIMES} sampled times (shapes that only spin in place, as rotation's "
                    "at difficulty 1, have nothing to track)")


__all__ = ["ATTEMPTS", "TIME_STEP_S", "TRACK_TIMES", "grid_frames", "track_box",
           "track_question", "track_sample"]
