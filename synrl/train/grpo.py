"""``synrl train grpo``: GRPO on video, with T-GRPO as an option of the same trainer.

TRL's ``GRPOTrainer`` (1.16) generates with the video but computes the old/reference
log-probs and the loss without ``pixel_values_videos`` / ``video_grid_thw`` (TRL issue
#4144): the policy gradient is taken on a model that never sees the video, silently.
:class:`VideoGRPOTrainer` fixes that by keeping each sample's video tensors next to it:

* ``_tokenize_prompts`` decodes and samples the frames itself (:mod:`synrl.train.data`),
  runs the processor once per prompt and records the per-sample video tensors;
* ``_get_per_token_logps_and_entropies`` feeds those tensors, sliced per chunk, to every
  forward pass (old policy, reference, loss);
* ``_generate_and_score_completions`` returns them in the batch (a per-sample list, so
  TRL's shuffling and splitting keep them aligned) and ``_compute_loss`` hands them back.

T-GRPO (Video-R1 3.2): for each prompt the trainer also samples a shuffled group (default
half the ordered group) on the same frames in a random order. Those rollouts only measure
``p_shuffled``; the bonus (``synrl.rewards.tgrpo.temporal_bonus``) reaches the ordered
completions as one more reward function, before TRL normalises advantages, and the
shuffled completions never enter the loss.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from synrl.train.config import GRPORunConfig, TGRPOOptions, dump_config
from synrl.train.data import (
    BadVideoLog,
    Clip,
    VideoOptions,
    _strip_none,
    load_clip,
    processor_video_kwargs,
    video_paths,
)

log = logging.getLogger(__name__)

#: Per-sample tensors a Qwen-VL forward pass needs for its video.
VIDEO_KEYS = ("pixel_values_videos", "video_grid_thw", "second_per_grid_ts")


def _concat(samples: list[dict[str, Any]], device=None) -> dict[str, Any]:
    import torch

    out: dict[str, Any] = {}
    for key in VIDEO_KEYS:
        parts = [s[key] for s in samples if key in s]
        if parts:
            tensor = torch.cat([torch.as_tensor(p) for p in parts])
            out[key] = tensor.to(device) if device is not None else tensor
    return out


def _has_video(prompt: Any) -> bool:
    return isinstance(prompt, list) and bool(video_paths(_strip_none(prompt)))


@functools.cache
def _make_trainer_class():
    import torch
    from trl import GRPOTrainer

    class VideoGRPOTrainer(GRPOTrainer):
        """GRPOTrainer whose old/ref/loss forward passes see the video; optional T-GRPO."""

        def __init__(self, *args, video: VideoOptions | None = None, tgrpo: TGRPOOptions | None = None,
                     bad_videos: BadVideoLog | None = None, **kwargs):
            self.video_opts = video or VideoOptions()
            self.tgrpo = tgrpo if tgrpo is not None and tgrpo.enabled else None
            self.bad_videos = bad_videos or BadVideoLog()
            self._video_ctx: list[dict[str, Any]] | None = None
            self._clip_cache: OrderedDict[str, Clip] = OrderedDict()
            self._tgrpo_shuffled: dict[str, list[float]] = {}
            super().__init__(*args, **kwargs)
            self._tgrpo_rng = np.random.default_rng(self.args.seed)
            for func in self.reward_funcs:
                if isinstance(func, TemporalBonusReward):
                    func.trainer = self

        # ------------------------------------------------------------------ video inputs

        def _clip(self, path: str) -> Clip:
            # A prompt arrives num_generations times in a batch: decode it once.
            if path in self._clip_cache:
                self._clip_cache.move_to_end(path)
                return self._clip_cache[path]
            o = self.video_opts
            try:
                clip = load_clip(path, o.num_frames, o.fps, o.max_frames, None)
            except Exception as exc:
                # GRPO groups cannot lose a member, so an unreadable video fails the step.
                self.bad_videos.failed(path, exc)
                raise
            self.bad_videos.ok()
            self._clip_cache[path] = clip
            while len(self._clip_cache) > 64:
                self._clip_cache.popitem(last=False)
            return clip

        def _tokenize_with_clips(self, prompts: list, clips: list[list[Clip]]):
            proc = self.processing_class
            prompt_ids, per_sample, mm_types = [], [], []
            for prompt, sample_clips in zip(prompts, clips, strict=True):
                text = proc.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True,
                                                **self.chat_template_kwargs)
                kwargs = processor_video_kwargs(proc, sample_clips, self.video_opts) if sample_clips else {}
                enc = proc(text=[text], return_tensors="pt", **kwargs)
                prompt_ids.append(enc["input_ids"][0].tolist())
                per_sample.append({k: enc[k] for k in VIDEO_KEYS if k in enc})
                if "mm_token_type_ids" in enc:
                    mm_types.append(enc["mm_token_type_ids"][0].tolist())
            fields = _concat(per_sample)
            if mm_types:
                fields["mm_token_type_ids"] = mm_types  # TRL left-pads list-of-list fields for generate
            self._video_ctx = per_sample
            return prompt_ids, None, fields

        def _tokenize_prompts(self, prompts: list):
            if not _has_video(prompts[0]):
                return super()._tokenize_prompts(prompts)
            prompts = [_strip_none(p) for p in prompts]
            clips = [[self._clip(p) for p in video_paths(prompt)] for prompt in prompts]
            return self._tokenize_with_clips(prompts, clips)

        def _mm_token_type_ids(self, input_ids):
            ids = torch.zeros_like(input_ids)
            if self._image_pad_token_id is not None:
                ids[input_ids == self._image_pad_token_id] = 1
            if self._video_pad_token_id is not None:
                ids[input_ids == self._video_pad_token_id] = 2
            return ids

        def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep,
                                               batch_size=None, compute_entropy=False, compute_aux_loss=False,
                                               **kwargs):
            ctx = self._video_ctx
            if ctx is None:
                return super()._get_per_token_logps_and_entropies(
                    model, input_ids, attention_mask, logits_to_keep, batch_size=batch_size,
                    compute_entropy=compute_entropy, compute_aux_loss=compute_aux_loss, **kwargs)
            if len(ctx) != input_ids.size(0):
                raise RuntimeError(f"{len(ctx)} video samples for a batch of {input_ids.size(0)} sequences")
            batch_size = batch_size or input_ids.size(0)
            logps, entropies, aux = [], [], []
            for start in range(0, input_ids.size(0), batch_size):
                end = min(start + batch_size, input_ids.size(0))
                ids = input_ids[start:end]
                mask = attention_mask[start:end]
                inputs = {"input_ids": ids, "attention_mask": mask,
                          "mm_token_type_ids": self._mm_token_type_ids(ids),
                          **_concat(ctx[start:end], device=ids.device)}
                if compute_aux_loss:
                    inputs["output_router_logits"] = True
                labels = ids.masked_fill(mask == 0, -100)
                labels[:, :-logits_to_keep] = -100
                with self.accelerator.autocast():
                    out = model(**inputs, labels=labels, fused_lm_head=True)
                logps.append(out.log_probs[:, -logits_to_keep:])
                if compute_entropy:
                    entropies.append(out.entropy[:, -logits_to_keep:])
                if compute_aux_loss:
                    aux.append(out.aux_loss)
            return (torch.cat(logps), torch.cat(entropies) if compute_entropy else None,
                    torch.stack(aux).mean() if compute_aux_loss else None)

        def _generate_and_score_completions(self, inputs):
            self._video_ctx = None
            if self.tgrpo is not None and self.model.training and _has_video(inputs[0]["prompt"]):
                self._shuffled_rollouts(inputs)
            try:
                output = super()._generate_and_score_completions(inputs)
                ctx = self._video_ctx
            finally:
                self._video_ctx = None
            if ctx is not None:
                output["video_inputs"] = ctx  # per-sample list: survives TRL's shuffle/split
            return output

        def _compute_loss(self, model, inputs):
            self._video_ctx = inputs.get("video_inputs")
            try:
                return super()._compute_loss(model, inputs)
            finally:
                self._video_ctx = None

        # ------------------------------------------------------------------ T-GRPO

        def _permutation(self, n: int) -> list[int]:
            if n < 2:
                return list(range(n))
            while True:  # an identity draw would measure nothing
                order = self._tgrpo_rng.permutation(n).tolist()
                if order != list(range(n)):
                    return order

        @torch.no_grad()
        def _shuffled_rollouts(self, inputs) -> None:
            """Generate the shuffled group of each prompt and score it; nothing here trains."""
            opts = self.tgrpo
            size = opts.shuffled_generations or max(1, self.num_generations // 2)
            firsts: OrderedDict[str, dict] = OrderedDict()
            for x in inputs:
                firsts.setdefault(x["uid"], x)
            prompts, clips, owners = [], [], []
            for uid, x in firsts.items():
                prompt = _strip_none(x["prompt"])
                ordered = [self._clip(p) for p in video_paths(prompt)]
                order = self._permutation(len(ordered[0].frames))
                shuffled = [c.permuted(order) for c in ordered]
                for _ in range(size):
                    prompts.append(prompt)
                    clips.append(shuffled)
                    owners.append(x)
            prompt_ids, _, fields = self._tokenize_with_clips(prompts, clips)
            completion_ids, _ = self._generate_single_turn(prompt_ids, None, fields, size)
            texts = self.processing_class.batch_decode(completion_ids, skip_special_tokens=True)
            correct = self._correctness(texts, owners)
            self._tgrpo_shuffled = {}
            for x, value in zip(owners, correct, strict=True):
                self._tgrpo_shuffled.setdefault(x["uid"], []).append(value)
            self._video_ctx = None

        def _correctness(self, texts: list[str], rows: list[dict]) -> list[float]:
            from synrl.rewards.trl import TRLReward

            reward = TRLReward(self.tgrpo.correctness_reward)
            columns = {k: [r.get(k) for r in rows] for k in rows[0] if k not in ("prompt",)}
            return reward(texts, **columns)

    return VideoGRPOTrainer


class TemporalBonusReward:
    """T-GRPO's temporal bonus as a TRL reward function (weight 1: alpha is its size).

    For each prompt: p = share of correct ordered completions, p_shuffled = share of
    correct shuffled ones (measured by the trainer just before); a correct ordered
    completion gets alpha when ``p >= factor * p_shuffled``
    (:func:`synrl.rewards.tgrpo.temporal_bonus`). Groups are gathered across processes so p
    is over the whole group however TRL spreads it over GPUs.
    """

    __name__ = "temporal_bonus"

    def __init__(self, opts: TGRPOOptions) -> None:
        self.opts = opts
        self.trainer: Any = None

    def __call__(self, completions, prompts=None, completion_ids=None, uid=None, **columns) -> list[float]:
        from accelerate.utils import gather_object

        from synrl.rewards.tgrpo import temporal_bonus
        from synrl.rewards.trl import TRLReward

        trainer = self.trainer
        if trainer is None or uid is None:
            raise RuntimeError("temporal_bonus needs the trainer and a uid column")
        correct = TRLReward(self.opts.correctness_reward)(completions, prompts, completion_ids, **columns)
        ordered: dict[str, list[float]] = {}
        for u, c in gather_object(list(zip(uid, correct, strict=True))):
            ordered.setdefault(u, []).append(c)
        shuffled: dict[str, list[float]] = {}
        for u, values in gather_object(list(trainer._tgrpo_shuffled.items())):
            shuffled.setdefault(u, []).extend(values)
        granted, ps, pss = {}, [], []
        for u, row in ordered.items():
            if u not in shuffled:
                raise RuntimeError(f"T-GRPO: no shuffled rollouts for prompt {u}")
            bonus = temporal_bonus(row, shuffled[u], alpha=self.opts.alpha, factor=self.opts.factor,
                                   threshold=self.opts.threshold)
            ok_o = np.asarray(row) >= self.opts.threshold
            ok_s = np.asarray(shuffled[u]) >= self.opts.threshold
            ps.append(ok_o.mean())
            pss.append(ok_s.mean())
            # The rule is per prompt: bonus for correct responses iff p >= factor * p_shuffled.
            granted[u] = bool(ok_o.mean() >= self.opts.factor * ok_s.mean() - 1e-9)
            assert not ok_o.any() or granted[u] == bool(bonus.max() > 0)
        rewards = [self.opts.alpha if (c >= self.opts.threshold and granted[u]) else 0.0
                   for u, c in zip(uid, correct, strict=True)]
        mode = "train" if trainer.model.training else "eval"
        metrics = trainer._metrics[mode]
        metrics["tgrpo/p"].append(float(np.mean(ps)))
        metrics["tgrpo/p_shuffled"].append(float(np.mean(pss)))
        metrics["tgrpo/granted_rate"].append(float(np.mean(list(granted.values()))))
        metrics["tgrpo/bonus_rate"].append(float(np.mean([r > 0 for r in rewards])))
        return rewards


def grpo_dataset(data: str | Path, split: str | None = "train", tasks: list[str] | None = None):
    """Prompts (``synrl.qa``) and ground truth from a generated dataset's manifest."""
    from datasets import Dataset

    from synrl.dataset import manifest_path, read_manifest
    from synrl.qa import SYSTEM_PROMPT, chat_messages, user_prompt
    from synrl.rewards.ground_truth import GROUND_TRUTH_KEYS

    path = Path(data)
    manifest = manifest_path(path) if path.is_dir() else path
    root = manifest.parent.resolve()
    rows = []
    for r in read_manifest(manifest):
        if split is not None and r.get("split", split) != split:
            continue
        if tasks and r["task"] not in tasks:
            continue
        video = str(root / r["video"]["path"])
        rows.append({
            "prompt": chat_messages(user_prompt(r), [{"type": "video", "video": video}],
                                    system=SYSTEM_PROMPT),
            "uid": r["id"],
            "task": r["task"],
            # One JSON column: Arrow cannot hold answers whose type changes by row.
            "ground_truth": json.dumps({k: r[k] for k in GROUND_TRUTH_KEYS if k in r}),
        })
    if not rows:
        raise ValueError(f"{manifest}: no records (split={split}, tasks={tasks})")
    return Dataset.from_list(rows)


def build_grpo_trainer(cfg: GRPORunConfig, trainer_cls=None, model=None, processor=None):
    """The configured trainer (``trainer_cls`` lets tests swap in the stock one)."""
    from trl import GRPOConfig

    from synrl.rewards.trl import trl_reward_functions
    from synrl.train.models import load_model
    from synrl.train.run import trainer_args, video_options

    if model is None:
        model, processor = load_model(cfg.model, use_cpu=cfg.train.use_cpu)
    g = cfg.grpo
    for module in g.reward_modules:
        importlib.import_module(module)
    funcs, weights = trl_reward_functions(g.rewards, g.reward_params)
    if g.tgrpo.enabled:
        funcs.append(TemporalBonusReward(g.tgrpo))
        weights.append(1.0)
    args = GRPOConfig(
        **trainer_args(cfg.train),
        num_generations=g.num_generations,
        temperature=g.temperature,
        top_p=g.top_p,
        beta=g.beta,
        epsilon=g.epsilon,
        num_iterations=g.num_iterations,
        steps_per_generation=g.steps_per_generation,
        loss_type=g.loss_type,
        scale_rewards=g.scale_rewards,
        max_completion_length=g.max_completion_length,
        reward_weights=weights,
    )
    dataset = grpo_dataset(cfg.data, cfg.split, cfg.tasks)
    cls = trainer_cls or _make_trainer_class()
    kwargs: dict[str, Any] = {}
    if issubclass(cls, _make_trainer_class()):
        kwargs = {"video": video_options(cfg.video), "tgrpo": g.tgrpo,
                  "bad_videos": BadVideoLog(cfg.video.max_bad_video_fraction)}
    return cls(model=model, reward_funcs=funcs, args=args, train_dataset=dataset,
               processing_class=processor, **kwargs)


def video_grpo_trainer_class():
    """:class:`VideoGRPOTrainer` (built lazily so importing this module needs no torch)."""
    return _make_trainer_class()


def run_grpo(cfg: GRPORunConfig) -> dict[str, Any]:
    """Train; returns a summary (steps, losses, rewards, T-GRPO metrics, output folder)."""
    from synrl.train.run import finish_run, resume_arg

    dump_config(cfg, Path(cfg.train.output_dir) / "synrl_config.yaml")
    trainer = build_grpo_trainer(cfg)
    trainer.train(resume_from_checkpoint=resume_arg(cfg.train))
    rewards = [h.get("reward") for h in trainer.state.log_history if "loss" in h]
    return finish_run(trainer, cfg.train.output_dir, rewards=rewards, **trainer.bad_videos.summary())
