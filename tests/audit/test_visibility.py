"""The pixel visibility audit of long-term operations: visible chip moves pass; a chip
drawn under the lids, or not drawn during an operation, is reported as hidden."""

import numpy as np

from synrl.audit import AuditSummary, audit_sample
from synrl.audit.observe import Observation
from synrl.audit.visibility import hidden_operations, operation_views
from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import build_sample, requests_for, write_video
from synrl.render.tabletop import HALO_GAP
from synrl.suite.chips.draw import ChipAnimation

VIDEO = VideoOptions(width=256, height=256)


def write_chips(folder, indices=(0, 1)):
    """Records and videos of a few chips samples at difficulty 3 (four cups, so moves
    between neighbouring trays), written as `synrl generate` writes them."""
    config = GenerateConfig(tasks=["chips"], per_task=max(indices) + 1, out=folder, workers=1,
                            difficulty=3, video=VIDEO)
    (folder / "videos").mkdir(parents=True, exist_ok=True)
    records = []
    for request in requests_for(config):
        if request.index in indices:
            built = build_sample(request)
            write_video(built.sim, folder / built.record["video"]["path"], config.video)
            records.append(built.record)
    return records


def under_the_lids(self, frame):
    """The chip in hand drawn below lids redrawn over it: the bug this audit exists for."""
    hand = self.hand(frame)
    if hand is None:
        return []
    value, pos = hand
    lay = self.layout
    items = [(self.chip_key(value, True), *pos)]
    reach = lay.chip_r + HALO_GAP + 2
    for cx, cy in lay.cups:
        if abs(pos[0] - cx) <= lay.tray[0] / 2 + reach and \
                abs(pos[1] - cy) <= lay.tray[1] / 2 + reach:
            items.append((("tray", *lay.tray, True), cx, cy))
    return items


def test_visible_chip_moves_pass(tmp_path):
    results = [audit_sample(r, tmp_path) for r in write_chips(tmp_path)]
    assert [r.status for r in results] == ["ok", "ok"], [r.message for r in results]
    assert all(r.operations > 0 and not r.hidden for r in results)
    row = AuditSummary(results).by_task()["chips"]
    assert row["hidden_operations"] == 0 and row["operations"] == sum(r.operations
                                                                      for r in results)


def test_a_chip_drawn_under_the_lids_is_hidden(tmp_path, monkeypatch):
    monkeypatch.setattr(ChipAnimation, "items", under_the_lids)
    results = [audit_sample(r, tmp_path) for r in write_chips(tmp_path)]
    assert all(r.status == "hidden" and r.hidden for r in results), [r.message for r in results]
    assert "hidden" in results[0].message
    assert not AuditSummary(results).ok


def test_a_chip_move_with_its_frames_skipped_is_hidden(tmp_path, monkeypatch):
    visible = ChipAnimation.items

    def skip_second_operation(self, frame):
        active = self.schedule.active(frame)
        return [] if active is not None and active[0] == 1 else visible(self, frame)

    monkeypatch.setattr(ChipAnimation, "items", skip_second_operation)
    result = audit_sample(write_chips(tmp_path, (0,))[0], tmp_path)
    assert result.status == "hidden"
    assert len(result.hidden) == 1 and result.hidden[0].startswith("step 2 ")


def _record(n_frames, first, last, track):
    return {"family": "long_term", "video": {"fps": 10, "num_frames": n_frames},
            "timeline": [{"type": "initial_reveal", "start_frame": 0, "end_frame": 9},
                         {"type": "move", "step": 1, "start_frame": first, "end_frame": last},
                         {"type": "final_reveal", "start_frame": 30, "end_frame": 39}],
            "tracks": [track]}


def _observation(x, y, area):
    n = len(x)
    return Observation(np.asarray(x, float), np.asarray(y, float), np.asarray(area, float),
                       np.zeros(n), np.zeros(n, bool), np.full((n, 3), np.nan))


def test_an_item_needs_enough_full_frames_on_its_path_and_must_travel():
    n = 40
    x = np.concatenate([np.full(12, 50.0), np.linspace(50, 150, 10), np.full(18, 150.0)])
    track = {"id": "chip", "role": "hand", "radius": 10.0, "x": x.tolist(),
             "y": [80.0] * n, "visible": [12 <= f <= 21 for f in range(n)]}
    record = _record(n, 12, 21, track)
    area = np.where(track["visible"], 300.0, np.nan)
    seen = _observation(np.where(track["visible"], x, np.nan), [80.0] * n, area)
    view = operation_views(record, [seen])[0]
    # 10 fps: 5 frames catch any 2 fps sampling; all 10 are shown in full.
    assert (view.seen, view.needed, view.hidden) == (10, 5, False)
    # Half hidden (area 40%) in all but four frames: found, but not in full.
    half = area.copy()
    half[12:18] = 120.0
    assert operation_views(record, [_observation(seen.x, seen.y, half)])[0].seen == 4
    assert hidden_operations(record, [_observation(seen.x, seen.y, half)])
    # Found in full but standing still where the record says it slides.
    still = _observation(np.where(track["visible"], 50.0, np.nan), [80.0] * n, area)
    assert operation_views(record, [still])[0].hidden
    # Not a long-term record: nothing to check.
    assert hidden_operations({**record, "family": "short_term"}, [still]) == []


def test_an_operation_no_recorded_item_takes_part_in_is_hidden():
    n = 40
    track = {"id": "chip", "role": "hand", "radius": 10.0, "x": [50.0] * n, "y": [80.0] * n,
             "visible": [False] * n}
    view = operation_views(_record(n, 12, 21, track),
                           [_observation([np.nan] * n, [np.nan] * n, [np.nan] * n)])[0]
    assert view.hidden and view.items == ()
    assert "no recorded item" in view.describe()


def test_a_command_typed_without_its_text_is_hidden(tmp_path, monkeypatch):
    # The cursor still advances as recorded; only the typed characters are missing.
    from synrl.suite.file_system.draw import TerminalAnimation

    def cursor_only(self, frame):
        w, h = self.layout.cursor_size
        return [(("cursor", w, h, self.cursor_rgb), *self.cursor(frame))]

    config = GenerateConfig(tasks=["file_system"], per_task=1, out=tmp_path, workers=1,
                            difficulty=2, video=VIDEO)
    (tmp_path / "videos").mkdir()
    request = next(iter(requests_for(config)))
    record = build_sample(request).record
    written = build_sample(request)
    write_video(written.sim, tmp_path / record["video"]["path"], config.video)
    assert audit_sample(record, tmp_path).status == "ok"
    monkeypatch.setattr(TerminalAnimation, "items", cursor_only)
    write_video(build_sample(request).sim, tmp_path / record["video"]["path"], config.video)
    result = audit_sample(record, tmp_path)
    assert result.status == "hidden"
    assert len(result.hidden) == result.operations
    assert "typed command does not appear" in result.hidden[0]
