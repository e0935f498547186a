"""The probe's video classifier: a small frame encoder and a temporal head, on the CPU.

Per frame, the RGB image and one "slot" channel per object the question points at (how
close each pixel is to that object's colour; the colours are an input, not learned) go
through a patchifying convolution and two 3x3 convolutions; a spatial soft-argmax turns
each feature map into a position, so a frame becomes where its features are and how
strongly they fire. The head sees the per-frame features concatenated in the order shown
(so order can matter), their mean and max over frames (so a set of frames can be used as
a set), the question form and the query variant, and predicts the answer class.

The same architecture is trained under each condition; only what it is shown differs.
Training is deterministic: seeded initialisation and batches, a fixed thread count and
`torch.use_deterministic_algorithms`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from synrl.probe.conditions import SHUFFLED, apply_batch
from synrl.probe.data import MAX_SLOTS

COLOR_SIGMA = 40.0  # RGB distance at which a slot channel falls to exp(-1/2)


@dataclass(frozen=True)
class ModelConfig:
    width: int = 16  # channels of the frame encoder
    feature: int = 32  # features per frame
    hidden: int = 128
    patch: int = 4  # stride of the first convolution
    epochs: int = 25
    batch_size: int = 32
    lr: float = 3e-3
    weight_decay: float = 1e-4

    def describe(self) -> str:
        return (f"frame encoder: conv{self.patch}x{self.patch}/{self.patch} (3 RGB + "
                f"{MAX_SLOTS} slot channels -> {self.width}), conv3x3, then a spatial "
                f"soft-argmax and conv3x3/2 flattened -> linear {self.feature} per frame; "
                f"head: MLP "
                f"[frames in order, mean, max, form, variant] -> {self.hidden} -> classes; "
                f"AdamW lr {self.lr} wd {self.weight_decay}, {self.epochs} epochs, "
                f"batch {self.batch_size}, cross-entropy")


def slot_channels(frames: np.ndarray, colors: np.ndarray, used: np.ndarray) -> np.ndarray:
    """(T, K, H, W) uint8 closeness (255: the colour itself) of each pixel of frames
    (T, H, W, 3) uint8 to each slot's colour (colors (K, 3), used (K,))."""
    pixels = frames.astype(np.float32)
    out = np.zeros((len(frames), len(colors)) + frames.shape[1:3], np.uint8)
    for k in np.flatnonzero(used):
        distance = ((pixels - colors[k]) ** 2).sum(-1)
        out[:, k] = np.rint(255 * np.exp(-distance / (2 * COLOR_SIGMA ** 2)))
    return out


def model_input(frames: np.ndarray, colors: np.ndarray, used: np.ndarray) -> np.ndarray:
    """(T, 3 + K, H, W) uint8: a clip's RGB channels and its slot channels."""
    return np.concatenate([frames.transpose(0, 3, 1, 2), slot_channels(frames, colors, used)], 1)


class FrameEncoder(nn.Module):
    def __init__(self, config: ModelConfig, size: int):
        super().__init__()
        w = config.width
        self.patch = nn.Conv2d(3 + MAX_SLOTS, w, config.patch, stride=config.patch)
        self.conv1 = nn.Conv2d(w, w, 3, padding=1)
        self.conv2 = nn.Conv2d(w, w, 3, stride=2, padding=1)
        self.keys = nn.Conv2d(w, w, 1)
        # Sharpness of the spatial softmax, learned; sharp from the start so that the
        # keypoints move with the objects before the convolutions have learned much.
        self.temperature = nn.Parameter(torch.full((w,), 5.0))
        cells = -(-(size // config.patch) // 2)
        self.out = nn.Linear(w * cells * cells + 2 * w, config.feature)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, C, H, W) -> (N, feature)
        # Ink, not light: the light background reads 0 and a few object pixels stand out.
        x = torch.cat([1.0 - x[:, :3], x[:, 3:]], 1)
        x = F.relu(self.patch(x))
        x = F.relu(self.conv1(x))
        keys = self.keys(x) * self.temperature.view(1, -1, 1, 1)
        n, c, h, w = keys.shape
        attention = torch.softmax(keys.reshape(n, c, h * w), dim=-1).reshape(n, c, h, w)
        xs = torch.linspace(-1, 1, w).view(1, 1, 1, w)
        ys = torch.linspace(-1, 1, h).view(1, 1, h, 1)
        # Where each feature is (a spatial soft-argmax) and the coarse map of what is where.
        points = torch.cat([(attention * xs).sum((2, 3)), (attention * ys).sum((2, 3))], 1)
        grid = F.relu(self.conv2(x)).flatten(1)
        return F.relu(self.out(torch.cat([points, grid], 1)))


class ProbeNet(nn.Module):
    def __init__(self, config: ModelConfig, size: int, num_frames: int, question_size: int,
                 num_classes: int):
        super().__init__()
        self.encoder = FrameEncoder(config, size)
        inputs = config.feature * (num_frames + 2) + question_size
        self.head = nn.Sequential(nn.Linear(inputs, config.hidden), nn.ReLU(),
                                  nn.Linear(config.hidden, num_classes))

    def forward(self, clips: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        """clips (B, T, 3 + K, H, W) in [0, 1], question (B, Q) -> (B, classes) logits."""
        b, t, c, h, w = clips.shape
        per_frame = self.encoder(clips.reshape(b * t, c, h, w)).reshape(b, t, -1)
        pooled = [per_frame.reshape(b, -1), per_frame.mean(1), per_frame.amax(1)]
        return self.head(torch.cat(pooled + [question], 1))


@dataclass
class Encoded:
    """A split as arrays: clips uint8 (N, T, 3 + K, H, W) (see `model_input`), the question
    one-hot (form + variant) and the class index (-1: not a training class)."""

    clips: np.ndarray
    question: np.ndarray
    labels: np.ndarray


def _batch(encoded: Encoded, idx: np.ndarray, condition: str,
           rng: np.random.Generator | None) -> tuple[torch.Tensor, ...]:
    clips = apply_batch(condition, encoded.clips[idx], rng)
    return (torch.from_numpy(np.ascontiguousarray(clips)).float() / 255.0,
            torch.from_numpy(encoded.question[idx]))


def set_determinism(seed: int, threads: int) -> None:
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)


def train(encoded: Encoded, condition: str, num_classes: int, config: ModelConfig,
          seed: int, threads: int) -> ProbeNet:
    """A model trained on `encoded` shown under `condition` (shuffled: a new permutation
    per sample and epoch, from a generator seeded by `seed`)."""
    set_determinism(seed, threads)
    shown = apply_batch(condition, encoded.clips[:1], np.random.default_rng(0)).shape[1]
    model = ProbeNet(config, encoded.clips.shape[-1], shown, encoded.question.shape[1], num_classes)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr,
                                  weight_decay=config.weight_decay)
    rng = np.random.default_rng(seed)
    n = len(encoded.labels)
    steps = config.epochs * -(-n // config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, config.lr, total_steps=steps)
    labels = torch.from_numpy(encoded.labels)
    model.train()
    for _ in range(config.epochs):
        order = rng.permutation(n)
        for start in range(0, n, config.batch_size):
            idx = order[start:start + config.batch_size]
            loss = F.cross_entropy(model(*_batch(encoded, idx, condition, rng)), labels[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
    return model


@torch.no_grad()
def predict(model: ProbeNet, encoded: Encoded, condition: str, seed: int,
            batch_size: int = 64) -> np.ndarray:
    """Class index predicted for each clip of `encoded` shown under `condition` (shuffled:
    one fixed permutation per clip, from `seed`)."""
    rng = np.random.default_rng(seed) if condition == SHUFFLED else None
    out: list[np.ndarray] = []
    for start in range(0, len(encoded.labels), batch_size):
        idx = np.arange(start, min(start + batch_size, len(encoded.labels)))
        out.append(model(*_batch(encoded, idx, condition, rng)).argmax(1).numpy())
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def one_hot(keys: Sequence[str], vocabulary: Sequence[str]) -> np.ndarray:
    """Rows of one-hot vectors; a key outside the vocabulary is all zeros."""
    index = {k: i for i, k in enumerate(vocabulary)}
    out = np.zeros((len(keys), len(vocabulary)), np.float32)
    for row, key in enumerate(keys):
        if key in index:
            out[row, index[key]] = 1.0
    return out
