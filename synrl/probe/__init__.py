"""`synrl probe`: does a question need the order of the frames?

A small video classifier is trained per task on the generator's own clips under three
conditions (the frames in order, the same frames shuffled, the middle frame alone) and
scored per question form next to chance and the text-only baselines of `synrl stats`; the
model trained on ordered frames is also shown the frames reversed. The measurement is
checked against each form's declared frame need (`Task.frame_needs`).
"""

from synrl.probe.run import ProbeConfig, probe_task, run_probe
from synrl.probe.report import Report

__all__ = ["ProbeConfig", "Report", "probe_task", "run_probe"]
