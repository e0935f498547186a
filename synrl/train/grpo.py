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
                     bad_videos: BadVideoLog | None = None, vllm_weight_sync: str = "auto", **kwargs):
            self.video_opts = video or VideoOptions()
            self.tgrpo = tgrpo if tgrpo is not None and tgrpo.enabled else None
            self.bad_videos = bad_videos or BadVideoLog()
            self._video_ctx: list[dict[str, Any]] | None = None
            self._clip_cache: OrderedDict[str, Clip] = OrderedDict()
            self._tgrpo_shuffled: dict[str, list[float]] = {}
            self._rollout_clips: tuple[list[list[Clip]], list[dict[str, Any]]] | None = None
            self.vllm_weight_sync = vllm_weight_sync
            targs = kwargs.get("args")
            want_vllm = bool(targs is not None and targs.use_vllm)
            if want_vllm:
                # TRL would build its own VLLMGeneration (NCCL-only weight sync in server
                # mode); the video-aware one is built below with the same settings.
                targs.use_vllm = False
            try:
                super().__init__(*args, **kwargs)
            finally:
                if want_vllm:
                    targs.use_vllm = True
            if want_vllm:
                self._init_video_vllm(targs)
            self._suppress_vision_tokens()
            for func in self.reward_funcs:
                if isinstance(func, TemporalBonusReward):
                    func.trainer = self

        def _init_video_vllm(self, args) -> None:
            from synrl.train.rollout import generation_class

            self.use_vllm = True
            self._last_loaded_step = -1  # TRL's tag: weights are pushed once per optimizer step
            self.vllm_generation = generation_class()(
                model=self.model, accelerator=self.accelerator, processing_class=self.processing_class,
                weight_sync=self.vllm_weight_sync, mode=args.vllm_mode,
                structured_outputs_regex=args.vllm_structured_outputs_regex,
                server_base_url=args.vllm_server_base_url, server_host=args.vllm_server_host,
                server_port=args.vllm_server_port, group_port=args.vllm_group_port,
                server_timeout=args.vllm_server_timeout, tensor_parallel_size=args.vllm_tensor_parallel_size,
                gpu_memory_utilization=args.vllm_gpu_memory_utilization, max_model_length=args.vllm_max_model_length,
                max_num_seqs=args.per_device_train_batch_size * args.vllm_tensor_parallel_size
                * args.steps_per_generation,
                enable_sleep_mode=args.vllm_enable_sleep_mode, model_impl=args.vllm_model_impl,
                trust_remote_code=args.trust_remote_code, repetition_penalty=self.repetition_penalty,
                temperature=self.temperature, top_p=self.top_p, top_k=self.top_k, min_p=self.min_p,
                max_completion_length=self.max_completion_length, logprobs=0,
                generation_kwargs=dict(args.generation_kwargs or {}))
            # The vision placeholders cannot be sampled (see _suppress_vision_tokens).
            bias = dict(self.vllm_generation.generation_kwargs.get("logit_bias") or {})
            for token in (getattr(self.model.config, "image_token_id", None),
                          getattr(self.model.config, "video_token_id", None)):
                if token is not None:
                    bias[int(token)] = -100.0
            self.vllm_generation.generation_kwargs["logit_bias"] = bias

        def _suppress_vision_tokens(self) -> None:
            # TRL suppresses only the image token. A sampled video token would make the loss
            # pass count more video placeholders than features ("Video features and video
            # tokens do not match"), so it cannot be generated either.
            config = getattr(self, "generation_config", None)
            video_token = getattr(self.model.config, "video_token_id", None)
            if config is None or video_token is None:
                return
            suppressed = list(config.suppress_tokens or [])
            if video_token not in suppressed:
                config.suppress_tokens = [*suppressed, video_token]
                self.generation_kwargs["suppress_tokens"] = config.suppress_tokens

        # ------------------------------------------------------------------ video inputs

        def _clip(self, path: str) -> Clip:
            # A prompt arrives num_generations times in a batch: decode it once.
            if path in self._clip_cache:
                self._clip_cache.move_to_end(path)
                return self._clip_cache[path]
            o = self.video_opts
            try:
                clip = load_clip(path, o.num_frames, o.fps, o.max_frames, None, min_frames=o.min_frames)
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
            if self.use_vllm:
                from synrl.train.rollout import mm_processor_kwargs

                self._rollout_clips = (list(clips), [mm_processor_kwargs(proc, c, self.video_opts) if c else {}
                                                     for c in clips])
            return prompt_ids, None, fields

        def _generate_single_turn(self, prompt_ids, images, multimodal_fields, num_generations,
                                  has_tool_images=False):
            """vLLM with the frames each prompt was tokenized with; TRL's own path otherwise."""
            rollout, self._rollout_clips = self._rollout_clips, None
            if not self.use_vllm or rollout is None:
                return super()._generate_single_turn(prompt_ids, images, multimodal_fields, num_generations,
                                                     has_tool_images)
            from trl.extras.profiling import profiling_context

            from synrl.train import rollout as vr

            clips, processor_kwargs = rollout
            if len(clips) != len(prompt_ids):
                raise RuntimeError(f"{len(clips)} clip lists for {len(prompt_ids)} prompts")
            if self.state.global_step != self._last_loaded_step:
                with profiling_context(self, "sync_weights"):
                    self.vllm_generation.sync_weights()
                self._last_loaded_step = self.state.global_step
            video_token = self.model.config.video_token_id
            with profiling_context(self, "vLLM.generate"):
                if self.vllm_generation.mode == "colocate":
                    completions, logprobs = vr.generate_colocate(self.vllm_generation, prompt_ids, clips,
                                                                 processor_kwargs, video_token)
                else:
                    completions, logprobs = vr.generate_server(self.vllm_generation, self.accelerator, prompt_ids,
                                                               clips, processor_kwargs, num_generations, video_token)
            # vLLM clamps logit biases to -100, which a peaked model can overcome: a sampled
            # vision placeholder would break the loss pass, so the completion stops before it.
            return vr.cut_at_tokens(completions, logprobs, {video_token, self.model.config.image_token_id})

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

        def _permutation(self, uid: str, n: int) -> list[int]:
            # Derived from (seed, prompt, step) so every process holding a share of the same
            # prompt's shuffled group shuffles its frames the same way.
            if n < 2:
                return list(range(n))
            seed = [self.args.seed, self.state.global_step, *uid.encode()]
            rng = np.random.default_rng(seed)
            while True:  # an identity draw would measure nothing
                order = rng.permutation(n).tolist()
                if order != list(range(n)):
                    return order

        @torch.no_grad()
        def _shuffled_rollouts(self, inputs) -> None:
            """Generate the shuffled group of each prompt and score it; nothing here trains.

            A prompt's ordered group may be spread over several processes; its shuffled group
            is then split between them (:func:`shuffled_shares`), so each prompt gets exactly
            one shuffled group whatever the process layout.
            """
            from accelerate.utils import gather_object

            opts = self.tgrpo
            size = opts.shuffled_generations or max(1, self.num_generations // 2)
            firsts: OrderedDict[str, dict] = OrderedDict()
            for x in inputs:
                firsts.setdefault(x["uid"], x)
            rank = self.accelerator.process_index
            holders = gather_object([(uid, rank) for uid in firsts])
            shares = shuffled_shares(holders, size)
            prompts, clips, owners = [], [], []
            for uid, x in firsts.items():
                share = shares[(uid, rank)]
                if not share:
                    continue
                prompt = _strip_none(x["prompt"])
                ordered = [self._clip(p) for p in video_paths(prompt)]
                order = self._permutation(uid, len(ordered[0].frames))
                shuffled = [c.permuted(order) for c in ordered]
                for _ in range(share):
                    prompts.append(prompt)
                    clips.append(shuffled)
                    owners.append(x)
            self._tgrpo_shuffled = {}
            if prompts:
                prompt_ids, _, fields = self._tokenize_with_clips(prompts, clips)
                completion_ids, _ = self._generate_single_turn(prompt_ids, None, fields, 1)
                texts = self.processing_class.batch_decode(completion_ids, skip_special_tokens=True)
                for x, value in zip(owners, self._correctness(texts, owners), strict=True):
                    self._tgrpo_shuffled.setdefault(x["uid"], []).append(value)
            self._video_ctx = None

        def _correctness(self, texts: list[str], rows: list[dict]) -> list[float]:
            from synrl.rewards.trl import TRLReward

            reward = TRLReward(self.tgrpo.correctness_reward)
            columns = {k: [r.get(k) for r in rows] for k in rows[0] if k not in ("prompt",)}
            return reward(texts, **columns)

    return VideoGRPOTrainer


def shuffled_shares(holders: list[tuple[str, int]], size: int) -> dict[tuple[str, int], int]:
    """How many shuffled rollouts each process generates for each prompt it holds.

    ``holders``: (prompt uid, process rank) for every prompt present on a process. A prompt
    held by k processes has its ``size`` rollouts split between them (the lower ranks take
    the remainder), so the prompt's shuffled group has exactly ``size`` members.
    """
    ranks: dict[str, list[int]] = {}
    for uid, rank in holders:
        if rank not in ranks.setdefault(uid, []):
            ranks[uid].append(rank)
    shares = {}
    for uid, owners in ranks.items():
        owners.sort()
        base, extra = divmod(size, len(owners))
        for i, rank in enumerate(owners):
            shares[(uid, rank)] = base + (1 if i < extra else 0)
    return shares


def _gather_groups(uid: list[str], values: list[Any]) -> dict[str, list[Any]]:
    """Every process's (uid, value) pairs, grouped by uid: a group may span processes."""
    from accelerate.utils import gather_object

    groups: dict[str, list[Any]] = {}
    for u, v in gather_object(list(zip(uid, values, strict=True))):
        groups.setdefault(u, []).append(v)
    return groups


class TemporalBonusReward:
    """T-GRPO's temporal bonus as a TRL reward function (weight 1: alpha is its size).

    For each prompt, the ordered group's and the shuffled group's (measured by the trainer
    just before) correctness rewards go through :func:`synrl.rewards.tgrpo.temporal_decision`
    with the configured rule (paper or released code). Groups are gathered across processes
    so the rule sees the whole group however TRL spreads it over GPUs.
    """

    __name__ = "temporal_bonus"

    def __init__(self, opts: TGRPOOptions) -> None:
        self.opts = opts
        self.trainer: Any = None

    def __call__(self, completions, prompts=None, completion_ids=None, uid=None, **columns) -> list[float]:
        from accelerate.utils import gather_object

        from synrl.rewards.accuracy import is_correct
        from synrl.rewards.tgrpo import temporal_decision
        from synrl.rewards.trl import TRLReward

        trainer = self.trainer
        if trainer is None or uid is None:
            raise RuntimeError("temporal_bonus needs the trainer and a uid column")
        if not trainer.model.training:  # evaluation rolls out no shuffled group
            return [0.0] * len(completions)
        correct = TRLReward(self.opts.correctness_reward)(completions, prompts, completion_ids, **columns)
        ordered = _gather_groups(list(uid), correct)
        shuffled: dict[str, list[float]] = {}
        for u, values in gather_object(list(trainer._tgrpo_shuffled.items())):
            shuffled.setdefault(u, []).extend(values)
        rule = self.opts.rule()
        granted, ps, pss = {}, [], []
        for u, row in ordered.items():
            if not shuffled.get(u):
                raise RuntimeError(f"T-GRPO: no shuffled rollouts for prompt {u}")
            decision = temporal_decision([row], [shuffled[u]], **rule)
            granted[u] = bool(decision.granted[0])
            ps.append(float(decision.p[0]))
            pss.append(float(decision.p_shuffled[0]))
        local_ok = is_correct(correct, self.opts.threshold, self.opts.strict)
        rewards = [self.opts.alpha if ok and granted[u] else 0.0 for u, ok in zip(uid, local_ok, strict=True)]
        mode = "train" if trainer.model.training else "eval"
        metrics = trainer._metrics[mode]
        metrics["tgrpo/p"].append(float(np.mean(ps)))
        metrics["tgrpo/p_shuffled"].append(float(np.mean(pss)))
        metrics["tgrpo/granted_rate"].append(float(np.mean(list(granted.values()))))
        metrics["tgrpo/bonus_rate"].append(float(np.mean([r > 0 for r in rewards])))
        return rewards


class GroupLengthReward:
    """The length bonus with Video-R1's group condition, as a TRL reward function.

    Used for ``rewards.length`` when ``reward_params.length.min_correct_in_group`` > 1: a
    response earns omega only when at least that many responses of its group are correct
    (:func:`synrl.rewards.length.length_bonus_group`). Groups are gathered across processes.
    """

    __name__ = "length"

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = dict(params)

    def __call__(self, completions, prompts=None, completion_ids=None, uid=None, **columns) -> list[float]:
        from synrl.rewards.accuracy import is_correct
        from synrl.rewards.length import length_bonus_group
        from synrl.rewards.trl import TRLReward, completion_text

        if uid is None:
            raise RuntimeError("the group length rule needs a uid column")
        if completion_ids is not None:
            tokens = [len(ids) for ids in completion_ids]
        else:
            from synrl.answers import approximate_token_count

            tokens = [approximate_token_count(completion_text(c)) for c in completions]
        accuracy = TRLReward("accuracy")(completions, prompts, completion_ids, **columns)
        threshold, strict = self.params.get("threshold", 0.5), self.params.get("strict", False)
        correct = is_correct(accuracy, threshold, strict)
        correct_in_group = {u: sum(flags) for u, flags in _gather_groups(list(uid), correct.tolist()).items()}
        needed = self.params.get("min_correct_in_group", 1)
        single = {**self.params, "min_correct_in_group": 1}
        return [float(length_bonus_group([a], [t], **single)[0]) if correct_in_group[u] >= needed else 0.0
                for u, a, t in zip(uid, accuracy, tokens, strict=True)]


def grpo_row(r: dict[str, Any], video: str) -> dict[str, Any]:
    """One GRPO row: prompt (``synrl.qa``), id, task and ground truth of record ``r``."""
    from synrl.qa import SYSTEM_PROMPT, chat_messages, user_prompt
    from synrl.rewards.ground_truth import GROUND_TRUTH_KEYS

    return {
        "prompt": chat_messages(user_prompt(r), [{"type": "video", "video": video}],
                                system=SYSTEM_PROMPT),
        "uid": r["id"],
        "task": r["task"],
        # One JSON column: Arrow cannot hold answers whose type changes by row.
        "ground_truth": json.dumps({k: r[k] for k in GROUND_TRUTH_KEYS if k in r}),
    }


def grpo_dataset(data: str | Path, split: str | None = "train", tasks: list[str] | None = None,
                 per_step: int = 1):
    """Prompts and ground truth from a generated dataset's manifest, or an endless
    ``datasets.IterableDataset`` for ``stream:...`` (:mod:`synrl.train.stream`)."""
    from datasets import Dataset

    from synrl.dataset import manifest_path, read_manifest
    from synrl.train.stream import is_stream, stream_dataset, stream_spec

    if is_stream(data):
        return stream_dataset(stream_spec(str(data), per_step), grpo_row)
    path = Path(data)
    manifest = manifest_path(path) if path.is_dir() else path
    root = manifest.parent.resolve()
    rows = []
    for r in read_manifest(manifest):
        if split is not None and r.get("split", split) != split:
            continue
        if tasks and r["task"] not in tasks:
            continue
        rows.append(grpo_row(r, str(root / r["video"]["path"])))
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
    length_params = g.reward_params.get("length", {})
    if "length" in g.rewards and length_params.get("min_correct_in_group", 1) > 1:
        funcs[list(g.rewards).index("length")] = GroupLengthReward(length_params)
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
        use_vllm=g.use_vllm,
        vllm_mode=g.vllm_mode,
        vllm_server_base_url=g.vllm_server_base_url,
        vllm_server_timeout=g.vllm_server_timeout,
        vllm_gpu_memory_utilization=g.vllm_gpu_memory_utilization,
        vllm_max_model_length=g.vllm_max_model_length,
        reward_weights=weights,
        log_completions=g.log_completions,
        num_completions_to_print=g.num_completions_to_print,
        **({"eval_strategy": "steps", "eval_steps": cfg.eval_steps,
            "per_device_eval_batch_size": cfg.train.per_device_train_batch_size} if cfg.eval_steps else {}),
    )
    from synrl.train.stream import is_stream

    if is_stream(cfg.data):
        if cfg.train.max_steps <= 0:
            raise ValueError("a stream never ends: set train.max_steps (--max-steps)")
        args.shuffle_dataset = False  # a buffered shuffle would render 1000 samples before step 1
    per_step = cfg.train.per_device_train_batch_size * cfg.train.gradient_accumulation_steps // g.num_generations
    dataset = grpo_dataset(cfg.data, cfg.split, cfg.tasks, per_step=per_step)
    eval_dataset = None
    if cfg.eval_steps:
        eval_dataset = grpo_dataset(cfg.eval_data or cfg.data, cfg.eval_split, cfg.tasks)
        if cfg.eval_max_samples is not None:
            eval_dataset = eval_dataset.sort("uid").select(range(min(cfg.eval_max_samples, len(eval_dataset))))
    cls = trainer_cls or _make_trainer_class()
    kwargs: dict[str, Any] = {}
    if issubclass(cls, _make_trainer_class()):
        kwargs = {"video": video_options(cfg.video), "tgrpo": g.tgrpo,
                  "bad_videos": BadVideoLog(cfg.video.max_bad_video_fraction), "vllm_weight_sync": g.vllm_weight_sync}
    return cls(model=model, reward_funcs=funcs, args=args, train_dataset=dataset, eval_dataset=eval_dataset,
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
