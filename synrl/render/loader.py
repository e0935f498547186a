"""The one frame loader (PyAV): sampled frames of a video, decoded from the nearest keyframe.

Training (:func:`synrl.train.data.load_clip`) and evaluation (:func:`synrl.eval.frames.load_clip`)
both read frames here, so they see the same pixels and the same timestamps.

A video is indexed once (its packets demuxed, not decoded: presentation timestamps, decode
order, keyframes; cached per file). Frame ``i`` is the ``i``-th frame in presentation order,
exactly the ``i``-th frame a full sequential decode yields. To return frames ``indices`` the
loader decodes, for each, from the nearest keyframe before it (a seek), and keeps decoding
straight on instead when the next wanted frame's keyframe is at most :data:`SEEK_COST`
packets ahead (dense sampling, short GOPs). Between wanted frames it skips the frames
nothing refers to (``skip_frame=NONREF``), which cannot change any other decoded picture.
Only the returned frames are kept: memory is the output array plus the decoder's own
reference frames, whatever the video's length.

A file without usable timestamps (a raw H.264 stream) is decoded sequentially instead,
converting only the wanted frames.
"""

from __future__ import annotations

import itertools
import os
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import av
import numpy as np

from synrl.render.video import VideoError

#: Extra packets decoded straight on rather than seeking: a seek flushes the decoder and
#: re-decodes a keyframe, which costs a few inter frames.
SEEK_COST = 4
_INDEX_CACHE_SIZE = 64


@dataclass(frozen=True)
class FrameIndex:
    """Where every frame of a video's first video stream is, from one demux pass.

    Arrays are in presentation order (frame ``i``): ``pts`` its timestamp, ``decode_pos`` its
    packet's position in decode order, ``start_pos`` the decode position of the keyframe a
    decode must start from to produce it. ``key_seek`` maps a keyframe's decode position to
    the timestamps to seek to (its pts, then its dts if the pts overshoots). ``pts`` is None for files that carry no usable timestamps.
    """

    path: str
    num_frames: int
    fps: float
    time_base: Fraction
    pts: np.ndarray | None
    decode_pos: np.ndarray | None
    start_pos: np.ndarray | None
    key_seek: dict[int, tuple[int, int]]
    packet_pos: dict[int, int]  # pts -> decode position, to place demuxed packets

    def times(self, indices: Sequence[int]) -> list[float]:
        """Presentation time (s, from the first frame) of each frame; ``i / fps`` without
        timestamps."""
        if self.pts is None:
            return [i / self.fps if self.fps else 0.0 for i in indices]
        first = int(self.pts[0])
        return [float((int(self.pts[i]) - first) * self.time_base) for i in indices]


@dataclass(frozen=True)
class LoadedFrames:
    """Frames returned by :func:`load_frames`, in the order asked for."""

    frames: np.ndarray  # (T, H, W, 3) uint8
    indices: list[int]
    times: list[float]
    index: FrameIndex

    @property
    def fps(self) -> float:
        return self.index.fps

    @property
    def num_frames(self) -> int:
        return self.index.num_frames


def _open(path: str) -> av.container.InputContainer:
    if not Path(path).is_file():
        raise VideoError(f"{path}: no such file")
    try:
        container = av.open(path)
    except (av.FFmpegError, OSError) as exc:
        raise VideoError(f"{path}: cannot open ({exc.__class__.__name__}: {exc})") from exc
    if not container.streams.video:
        container.close()
        raise VideoError(f"{path}: no video stream")
    return container


def _build_index(path: str) -> FrameIndex:
    container = _open(path)
    try:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        time_base = stream.time_base or Fraction(1, 1)
        dec_pts: list[int] = []
        dec_dts: list[int | None] = []
        dec_key: list[bool] = []
        shown: list[bool] = []
        timed = True
        for packet in container.demux(stream):
            if packet.size == 0:
                continue  # the demuxer's end-of-stream marker
            if packet.pts is None:
                timed = False
            dec_pts.append(packet.pts if packet.pts is not None else -1)
            dec_dts.append(packet.dts)
            dec_key.append(bool(packet.is_keyframe))
            # An edit list may drop a packet's picture from the output (it is still decoded).
            shown.append(not packet.is_discard)
    except av.FFmpegError as exc:
        raise VideoError(f"{path}: cannot demux ({exc.__class__.__name__}: {exc})") from exc
    finally:
        container.close()
    if not dec_pts:
        raise VideoError(f"{path}: no video frames")
    pts_arr = np.asarray(dec_pts, dtype=np.int64)
    if not timed or len(np.unique(pts_arr)) != len(pts_arr) or not dec_key[0]:
        # Sequential decoding only: frames are counted, not placed.
        return FrameIndex(path, int(sum(shown)), fps, time_base, None, None, None, {}, {})
    shown_pos = np.flatnonzero(np.asarray(shown))
    order = shown_pos[np.argsort(pts_arr[shown_pos], kind="stable")]
    key_pos = np.flatnonzero(np.asarray(dec_key))
    key_pts = pts_arr[key_pos]
    # The latest keyframe before a frame in decode order whose timestamp is not after the
    # frame's: the leading pictures of an open GOP start from the keyframe before.
    start = np.empty(len(order), dtype=np.int64)
    slot = np.searchsorted(key_pos, order, side="right") - 1
    for i, (pos, k) in enumerate(zip(order, slot)):
        while k > 0 and key_pts[k] > pts_arr[pos]:
            k -= 1
        start[i] = key_pos[k]
    key_seek = {}
    for pos in key_pos:
        dts = dec_dts[pos]
        # Seek by pts (FFmpeg's MP4 and Matroska demuxers land exactly on the keyframe);
        # a demuxer that indexes by dts overshoots with it, and then gets the dts, which is
        # never later (landing on an earlier keyframe only costs decoding).
        key_seek[int(pos)] = (int(pts_arr[pos]), int(min(pts_arr[pos], dts if dts is not None
                                                         else pts_arr[pos])))
    return FrameIndex(path, len(order), fps, time_base, pts_arr[order], order, start, key_seek,
                      {int(p): i for i, p in enumerate(dec_pts)})


_CACHE: OrderedDict[tuple, FrameIndex] = OrderedDict()


def frame_index(path: str | os.PathLike) -> FrameIndex:
    """The :class:`FrameIndex` of ``path`` (built once per file version, LRU-cached)."""
    path = str(path)
    try:
        st = os.stat(path)
    except OSError:
        raise VideoError(f"{path}: no such file") from None
    key = (path, st.st_size, st.st_mtime_ns)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    index = _build_index(path)
    _CACHE[key] = index
    while len(_CACHE) > _INDEX_CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def _runs(index: FrameIndex, wanted: list[int]) -> list[tuple[int, list[int]]]:
    """Group wanted frames (sorted, unique) into decode runs: (keyframe position, frames)."""
    runs: list[tuple[int, list[int]]] = []
    end = -1
    for i in wanted:
        start, pos = int(index.start_pos[i]), int(index.decode_pos[i])
        if runs and runs[-1][0] <= start <= end + SEEK_COST:
            runs[-1][1].append(i)
            end = max(end, pos)
        else:
            runs.append((start, [i]))
            end = pos
    return runs


class _Output:
    """The returned array, allocated at the first frame's size; frames go straight in."""

    def __init__(self, indices: list[int]):
        self.slots: dict[int, list[int]] = {}
        for k, i in enumerate(indices):
            self.slots.setdefault(i, []).append(k)
        self.count = len(indices)
        self.frames: np.ndarray | None = None

    def put(self, i: int, frame: av.VideoFrame) -> None:
        rgb = frame.to_ndarray(format="rgb24")
        if self.frames is None:
            self.frames = np.empty((self.count, *rgb.shape), dtype=np.uint8)
        for k in self.slots[i]:
            self.frames[k] = rgb


def _decode_run(container, stream, index: FrameIndex, start: int, frames: list[int],
                out: _Output, fresh: bool) -> None:
    pts_wanted = {int(index.pts[i]): i for i in frames}
    packets = container.demux(stream) if fresh else _seek(container, stream, index, start)
    ctx = stream.codec_context
    for packet in packets:
        if packet.size == 0:
            break
        ctx.skip_frame = "DEFAULT" if packet.pts in pts_wanted else "NONREF"
        for frame in packet.decode():
            i = pts_wanted.pop(frame.pts, None)
            if i is not None:
                out.put(i, frame)
        if not pts_wanted:
            return
    ctx.skip_frame = "DEFAULT"
    for frame in stream.decode(None):  # the decoder's delayed pictures
        i = pts_wanted.pop(frame.pts, None)
        if i is not None:
            out.put(i, frame)
    if pts_wanted:
        raise VideoError(f"{index.path}: frames {sorted(pts_wanted.values())} did not decode")


def _seek(container, stream, index: FrameIndex, start: int):
    """Packets from the keyframe at decode position `start` (or an earlier one)."""
    for offset in dict.fromkeys(index.key_seek[start]):
        container.seek(offset, backward=True, any_frame=False, stream=stream)
        packets = container.demux(stream)
        first = next(packets, None)
        if first is None or first.pts is None:
            continue
        pos = index.packet_pos.get(first.pts)
        if pos is not None and pos <= start and first.is_keyframe:
            return itertools.chain([first], packets)
    raise _SeekMissed()


class _SeekMissed(Exception):
    """The demuxer landed after the keyframe asked for."""


def _decode_sequential(path: str, wanted: set[int], last: int, out: _Output) -> None:
    container = _open(path)
    i = -1
    with container:
        stream = container.streams.video[0]
        stream.codec_context.thread_count = 1
        for i, frame in enumerate(container.decode(stream)):
            if i in wanted:
                out.put(i, frame)
            if i >= last:
                return
    raise VideoError(f"{path}: only {i + 1} frames decoded, frame {last} asked for")


def load_frames(path: str | os.PathLike, indices: Sequence[int]) -> LoadedFrames:
    """Frames ``indices`` (presentation order, repeats allowed) of ``path`` as (T, H, W, 3)
    RGB, equal to those of a full sequential decode. Raises :class:`VideoError` for a file
    that cannot be read and :class:`IndexError` for an index outside the video."""
    path = str(path)
    index = frame_index(path)
    indices = [int(i) for i in indices]
    if not indices:
        raise ValueError("load_frames needs at least one frame index")
    bad = [i for i in indices if not 0 <= i < index.num_frames]
    if bad:
        raise IndexError(f"{path}: frame {bad[0]} outside 0..{index.num_frames - 1}")
    out = _Output(indices)
    wanted = sorted(set(indices))
    try:
        if index.pts is None:
            _decode_sequential(path, set(wanted), wanted[-1], out)
        else:
            try:
                with _open(path) as container:
                    stream = container.streams.video[0]
                    stream.codec_context.thread_count = 1
                    for n, (start, frames) in enumerate(_runs(index, wanted)):
                        _decode_run(container, stream, index, start, frames, out,
                                    fresh=n == 0 and start == 0)
            except _SeekMissed:
                # A demuxer that cannot land on the keyframe: decode from the start instead.
                out = _Output(indices)
                _decode_sequential(path, set(wanted), wanted[-1], out)
    except av.FFmpegError as exc:
        raise VideoError(f"{path}: cannot decode ({exc.__class__.__name__}: {exc})") from exc
    assert out.frames is not None
    return LoadedFrames(out.frames, indices, index.times(indices), index)
