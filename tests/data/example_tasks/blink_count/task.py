"""`blink_count`: a shape in the middle of the arena appears N times; how many?"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track, VideoSpec,
                              multiple_choice, near_miss_counts)
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, object_radius, scene_colors

COUNTS = (1, 2, 3)
# Solid shapes, drawn large: thin ones (T, L) are hard to find at 64x64.
SHAPES = ("circle", "square", "hexagon")


@register
class BlinkCount(Task):
    id = "blink_count"
    family = "short_term"
    primitive = "counting"
    description = "Count how many times a shape appears."
    templates = (Template("count", "multiple_choice", 3), Template("count_open", "number"))

    def values(self, template: Template, difficulty: int) -> Sequence[int]:
        return COUNTS

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        count = int(plan.value)
        num_frames = video.frames_for(3.0)
        arena = Arena.for_video(video)
        # `count` visible runs separated by gaps of at least 0.3 s, starting hidden.
        slots = np.linspace(0, num_frames, 2 * count + 2).round().astype(int)
        visible = np.zeros(num_frames, dtype=bool)
        events = []
        for k in range(count):
            first, last = slots[2 * k + 1], slots[2 * k + 2] - 1
            visible[first : last + 1] = True
            events.append(Event("appear", first / video.fps, last / video.fps, {"object": "obj0"}))
        x, y = (arena.x0 + arena.x1) / 2, (arena.y0 + arena.y1) / 2
        track = Track.still("obj0", str(rng.choice(list(SHAPES))), scene_colors(rng, video, 1)[0],
                            object_radius(video, rng, 0.08, 0.1), x, y, num_frames, role="target")
        track.visible = visible
        return Simulation(video, num_frames, [track], events, scene=arena.to_scene(),
                          facts={"count": count})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        count = sim.facts["count"]
        text = f"How many times does the {sim.track('obj0').name} appear?"
        query = {"kind": "appearances", "object": "obj0"}
        if plan.template.is_multiple_choice:
            wrong = [str(c) for c in near_miss_counts(count, 2, low=1, rng=rng)]
            options, letter = multiple_choice(str(count), wrong, plan.letter_index, rng, 3)
            return Question(text, "multiple_choice", letter, options[letter], options, query, count)
        return Question(text, "number", count, str(count), None, query, count)
