"""The seeking frame loader returns exactly the frames of a full sequential decode."""

from __future__ import annotations

import av
import numpy as np
import pytest

from synrl.render import loader
from synrl.render.loader import frame_index, load_frames
from synrl.render.video import VideoError, read_frames

W, H, N = 64, 48, 150


def _picture(i: int) -> np.ndarray:
    """A moving bar, a changing line and, every 37 frames, a new flat scene (a cut, which
    makes x264's scenecut place keyframes at irregular distances)."""
    image = np.full((H, W, 3), (i // 37 * 60) % 256, dtype=np.uint8)
    image[:, i % W : i % W + 4] = 255
    image[(i * 3) % H] = (i * 7) % 256
    return image


def _write(path, fmt="mp4", params="", forced=(), n=N):
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.thread_count = 1
        stream.options = {"crf": "18", "preset": "veryfast", **({"x264-params": params} if params else {})}
        for i in range(n):
            frame = av.VideoFrame.from_ndarray(_picture(i), format="rgb24")
            frame.pts = i
            if i in forced:
                frame.pict_type = av.video.frame.PictureType.I
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


GOPS = {
    "default_gop_b_frames": "",
    "short_gop": "keyint=8:min-keyint=8",
    "variable_gop": "keyint=40:min-keyint=2:scenecut=80",
    "open_gop": "keyint=12:min-keyint=5:open-gop=1",
    "intra_only": "keyint=1",
    "no_b_frames": "keyint=25:bframes=0",
}

SELECTIONS = {
    "first": [0],
    "last": [N - 1],
    "sparse": [3, 40, 41, 97, 148],
    "dense": list(range(20, 90)),
    "every_frame": list(range(N)),
    "unsorted_with_repeats": [120, 7, 7, 0, N - 1, 64],
}


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gops")
    out = {}
    for name, params in GOPS.items():
        path = _write(folder / f"{name}.mp4", params=params)
        out[name] = (path, [f.copy() for f in read_frames(path)])
    return out


@pytest.mark.parametrize("gop", list(GOPS))
def test_frames_equal_a_sequential_decode(videos, gop):
    path, full = videos[gop]
    assert frame_index(path).num_frames == len(full) == N
    for name, selection in SELECTIONS.items():
        got = load_frames(path, selection)
        assert got.frames.shape == (len(selection), H, W, 3), name
        for k, i in enumerate(selection):
            assert np.array_equal(got.frames[k], full[i]), (gop, name, i)


def test_the_variable_gop_has_irregular_keyframes(videos):
    """The case above is what it claims: keyframes at several distinct spacings."""
    index = frame_index(videos["variable_gop"][0])
    spacing = np.diff(sorted(index.key_seek))
    assert len(set(spacing.tolist())) >= 2


def test_sparse_frames_seek_instead_of_decoding_everything(videos, monkeypatch):
    path, full = videos["short_gop"]
    decoded = []
    original = loader._Output.put
    monkeypatch.setattr(loader._Output, "put", lambda self, i, frame: (decoded.append(i), original(self, i, frame)))
    seeks = []
    original_runs = loader._runs
    monkeypatch.setattr(loader, "_runs", lambda index, wanted: seeks.append(r := original_runs(index, wanted)) or r)
    load_frames(path, [10, 70, 140])
    assert decoded == [10, 70, 140]  # only the wanted frames are converted and kept
    assert [start for start, _ in seeks[0]] == [frame_index(path).start_pos[i] for i in (10, 70, 140)]
    # dense sampling in one GOP is one sequential run
    assert len(loader._runs(frame_index(path), list(range(16, 24)))) == 1


def test_times_are_presentation_timestamps(videos):
    path, _ = videos["default_gop_b_frames"]
    got = load_frames(path, [0, 30, 149])
    assert got.times == pytest.approx([0.0, 1.0, 149 / 30])
    assert got.fps == 30.0 and got.num_frames == N


def test_matroska_and_raw_h264(tmp_path):
    """Matroska seeks by pts; a raw H.264 stream has no timestamps and is read sequentially."""
    for fmt, name in (("matroska", "a.mkv"), ("h264", "a.h264")):
        path = _write(tmp_path / name, fmt=fmt, params="keyint=10")
        full = [f.copy() for f in read_frames(path)]
        selection = [0, 33, 34, 99, len(full) - 1]
        got = load_frames(path, selection)
        assert all(np.array_equal(got.frames[k], full[i]) for k, i in enumerate(selection)), fmt


def test_bad_videos_are_clear_errors(tmp_path, videos):
    with pytest.raises(VideoError, match="no such file"):
        load_frames(tmp_path / "nope.mp4", [0])
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    with pytest.raises(VideoError, match="garbage.mp4"):
        load_frames(garbage, [0])
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n")
    with pytest.raises(VideoError, match="notes.mp4"):
        load_frames(text, [0])
    path, _ = videos["short_gop"]
    with pytest.raises(IndexError, match="outside 0..149"):
        load_frames(path, [150])
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    with pytest.raises(VideoError, match="truncated.mp4"):
        load_frames(truncated, [0, 100])
