"""The "when" question family: temporal grounding questions over any task's timeline.

Shared by every task; a task takes part by registering a namer in ``<task>/when.py``
(:func:`synrl.suite._when.family.register_namer`) that says how each of its timeline events
is named without giving its time away. :mod:`.mixture` decides which samples of a run are
"when" samples (``--question-types when`` or a weighted mixture), :mod:`.family` builds
their questions.
"""
