"""Typed training configs: defaults from the papers, loadable from YAML, overridable from the CLI.

Every field has help text (``synrl train sft --help-config`` prints it). A run's config is
``defaults <- YAML file <- --set key.path=value overrides`` and is written next to the
checkpoints (``synrl_config.yaml``) so a run can be reproduced or resumed.

Defaults: SynRL section 3.3 (GRPO: no KL, no entropy loss, lr 1e-6, global batch 512, 8
samples per prompt at temperature 1.0) and Video-R1 section 4 / appendix D (16 frames of at
most 128x28x28 pixels, response length 768, weight decay 0.01, grad-norm clip 5, T-GRPO with
a shuffled group half the ordered one and alpha 0.3). SynRL does not state its SFT
hyper-parameters; the SFT defaults follow Video-R1's cold start (one epoch, lr 1e-6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LoraOptions(_Strict):
    enabled: bool = Field(False, description="Train LoRA adapters instead of all weights (PEFT).")
    r: int = Field(64, description="LoRA rank.")
    alpha: int = Field(128, description="LoRA alpha (scale = alpha / r).")
    dropout: float = Field(0.05, description="LoRA dropout.")
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        description="Module names to adapt; the language model's projections (the vision tower's "
        "fused qkv is named differently, so it stays frozen unless listed).",
    )


class ModelOptions(_Strict):
    name_or_path: str = Field("Qwen/Qwen2.5-VL-7B-Instruct",
                              description="Hub id or local folder of a Qwen2-VL, Qwen2.5-VL or Qwen3-VL checkpoint.")
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = Field(
        "bfloat16", description="Weight dtype when loading (float32 on CPU).")
    attn_implementation: str | None = Field(
        None, description="e.g. flash_attention_2 or sdpa; None lets transformers choose.")
    freeze_vision: bool = Field(False, description="Keep the vision tower (and merger) frozen.")
    lora: LoraOptions = Field(default_factory=LoraOptions, description="LoRA options.")


class VideoConfig(_Strict):
    num_frames: int | None = Field(16, description="Frames sampled uniformly per video (Video-R1: 16). "
                                   "Set null to sample by fps instead.")
    fps: float | None = Field(None, description="Frames per second to sample when num_frames is null.")
    max_frames: int = Field(64, description="Upper bound on sampled frames.")
    min_frames: int = Field(2, description="Lower bound when sampling by fps (qwen-vl-utils and Video-R1: 4).")
    min_pixels: int | None = Field(None, description="Minimum pixels per frame (processor default when null).")
    max_pixels: int | None = Field(128 * 28 * 28, description="Maximum pixels per frame (Video-R1 training: 128x28x28).")
    max_bad_video_fraction: float = Field(
        0.0, description="Unreadable videos drop their sample and are counted and reported; the run "
        "aborts once their fraction exceeds this (0: the first one aborts).")

    @model_validator(mode="after")
    def _one_sampling(self) -> VideoConfig:
        if self.num_frames is None and self.fps is None:
            raise ValueError("video: set num_frames or fps")
        return self


class TrainOptions(_Strict):
    output_dir: str = Field("runs/synrl", description="Checkpoints, logs and the final model go here.")
    learning_rate: float = Field(1e-6, description="Peak learning rate (SynRL GRPO and Video-R1: 1e-6).")
    num_train_epochs: float = Field(1.0, description="Epochs over the data.")
    max_steps: int = Field(-1, description="Stop after this many optimizer steps (-1: epochs decide).")
    per_device_train_batch_size: int = Field(1, description="Samples per GPU per micro-step (GRPO: completions).")
    gradient_accumulation_steps: int = Field(1, description="Micro-steps per optimizer step.")
    warmup_ratio: float = Field(0.0, description="Linear warm-up fraction.")
    lr_scheduler_type: str = Field("constant", description="transformers scheduler name.")
    weight_decay: float = Field(0.01, description="AdamW weight decay (Video-R1: 0.01).")
    max_grad_norm: float = Field(5.0, description="Gradient-norm clip (Video-R1: 5).")
    bf16: bool = Field(True, description="bfloat16 mixed precision (turn off on CPU).")
    gradient_checkpointing: bool = Field(True, description="Trade compute for activation memory.")
    logging_steps: int = Field(1, description="Log every N steps.")
    save_steps: int = Field(100, description="Checkpoint every N steps.")
    save_total_limit: int | None = Field(3, description="Keep at most this many checkpoints.")
    seed: int = Field(42, description="Random seed (data order, sampling, T-GRPO permutations).")
    resume_from_checkpoint: str | None = Field(
        None, description="A checkpoint folder, or 'last' for the newest one in output_dir.")
    report_to: list[str] = Field(default_factory=list, description="e.g. [wandb] or [tensorboard].")
    deepspeed: str | None = Field(None, description="DeepSpeed JSON (configs/deepspeed/zero2.json, zero3.json).")
    dataloader_num_workers: int = Field(2, description="Workers decoding videos.")
    use_cpu: bool = Field(False, description="Force CPU (tests).")


class SFTRunConfig(_Strict):
    """``synrl train sft``."""

    data: str = Field("", description="TRL conversational JSONL from `synrl sft-data` (messages with video parts).")
    video_root: str | None = Field(None, description="Folder relative video paths resolve against "
                                   "(default: the data file's folder).")
    max_length: int | None = Field(None, description="Refuse batches longer than this many tokens.")
    model: ModelOptions = Field(default_factory=ModelOptions, description="Model.")
    video: VideoConfig = Field(default_factory=VideoConfig, description="Video sampling.")
    train: TrainOptions = Field(default_factory=lambda: TrainOptions(learning_rate=1e-6, num_train_epochs=1.0),
                                description="Optimisation and checkpoints.")


class TGRPOOptions(_Strict):
    """T-GRPO's rule (``synrl.rewards.tgrpo``). Defaults: the paper's eq. (1)-(2); Video-R1's
    released trainer is ``factor: 0.8, statistic: mean_reward, threshold: 0.1, strict: true``
    (``configs/tgrpo_videor1.yaml``)."""

    enabled: bool = Field(False, description="T-GRPO (Video-R1 3.2): also roll out on shuffled frames and add "
                          "a temporal bonus to correct ordered responses when p >= factor * p_shuffled.")
    shuffled_generations: int | None = Field(None, description="Shuffled group size (default: half of num_generations).")
    alpha: float = Field(0.3, description="Temporal bonus for a correct ordered response (Video-R1: 0.3).")
    factor: float = Field(1.0, description="Bonus granted when p >= factor * p_shuffled (paper eq. 1: 1.0; "
                          "released code: 0.8).")
    statistic: Literal["fraction_correct", "mean_reward"] = Field(
        "fraction_correct", description="p per group: the share of correct responses (paper) or the mean raw "
        "correctness reward (released code).")
    threshold: float = Field(0.5, description="A response counts as correct when its reward >= this (paper: 0.5 "
                             "for continuous rewards; released code: > 0.1).")
    strict: bool = Field(False, description="Correct means reward > threshold instead of >= (released code: true).")
    correctness_reward: str = Field("accuracy", description="Registered reward deciding correctness.")

    def rule(self) -> dict[str, Any]:
        """Keyword arguments for :func:`synrl.rewards.tgrpo.temporal_decision`."""
        return {"alpha": self.alpha, "factor": self.factor, "statistic": self.statistic,
                "threshold": self.threshold, "strict": self.strict}


class GRPOOptions(_Strict):
    num_generations: int = Field(8, description="Completions per prompt (SynRL: 8).")
    temperature: float = Field(1.0, description="Sampling temperature (SynRL: 1.0).")
    top_p: float = Field(1.0, description="Nucleus sampling.")
    beta: float = Field(0.0, description="KL coefficient (SynRL: 0, no KL term and no reference model).")
    epsilon: float = Field(0.2, description="PPO clip range.")
    num_iterations: int = Field(1, description="Policy updates per generation batch (mu).")
    steps_per_generation: int | None = Field(None, description="Micro-steps one generation batch feeds "
                                             "(default: gradient_accumulation_steps).")
    loss_type: str = Field("grpo", description="TRL loss type: grpo, dr_grpo, dapo, bnpo ...")
    scale_rewards: str = Field("group", description="Advantage scaling: group (GRPO), batch or none.")
    max_completion_length: int = Field(768, description="Response tokens (Video-R1: 768).")
    rewards: dict[str, float] = Field(default_factory=lambda: {"accuracy": 1.0, "format": 1.0},
                                      description="Registered reward name -> weight.")
    reward_params: dict[str, dict[str, Any]] = Field(default_factory=dict, description="Per-reward parameters.")
    reward_modules: list[str] = Field(
        default_factory=list, description="Modules imported before rewards are looked up, so rewards they "
        "register with synrl.rewards.registry.register_reward can be named in `rewards`.")
    tgrpo: TGRPOOptions = Field(default_factory=TGRPOOptions, description="T-GRPO.")
    log_completions: bool = Field(True, description="Write every logged step's prompts, completions, per-reward "
                                  "scores and advantages to OUTPUT/completions/completions_STEP.parquet (TRL's "
                                  "table; also sent to W&B when it reports).")
    num_completions_to_print: int = Field(0, description="Completions printed to the console per logged step.")
    use_vllm: bool = Field(False, description="Generate rollouts with vLLM (the sampled frames are sent as video; "
                           "see docs/training.md, vLLM rollouts).")
    vllm_mode: Literal["colocate", "server"] = Field(
        "colocate", description="colocate: an in-process engine per training process; server: a `trl vllm-serve` "
        "(or `vllm serve --enable-scale-out`) server.")
    vllm_server_base_url: str | None = Field(None, description="Server mode: the server's URL (default "
                                             "http://localhost:8000).")
    vllm_server_timeout: float = Field(240.0, description="Server mode: seconds to wait for the server to be up.")
    vllm_gpu_memory_utilization: float = Field(0.3, description="Colocate mode: share of GPU memory for vLLM "
                                               "(weights + KV cache); on CPU VLLM_CPU_KVCACHE_SPACE (GiB) sizes the cache.")
    vllm_max_model_length: int | None = Field(None, description="Colocate mode: context length (prompt + completion).")
    vllm_weight_sync: Literal["auto", "nccl", "reload"] = Field(
        "auto", description="How the policy reaches vLLM after each step: TRL's NCCL transfer (CUDA), or a "
        "safetensors reload (`reload_weights`; CPU, or a server without a transfer engine). auto: NCCL on CUDA.")


class GRPORunConfig(_Strict):
    """``synrl train grpo``."""

    data: str = Field("", description="A generated dataset folder (or its manifest.jsonl).")
    split: str | None = Field("train", description="Keep records of this split (null: all).")
    tasks: list[str] | None = Field(None, description="Keep only these tasks (null: all).")
    model: ModelOptions = Field(default_factory=ModelOptions, description="Model (usually the SFT output).")
    video: VideoConfig = Field(default_factory=VideoConfig, description="Video sampling.")
    train: TrainOptions = Field(default_factory=TrainOptions, description="Optimisation and checkpoints.")
    grpo: GRPOOptions = Field(default_factory=GRPOOptions, description="GRPO / T-GRPO.")
    eval_steps: int = Field(0, description="Evaluate on the held-out split every N steps (0: never): the "
                            "rewards of answers sampled as in training, logged as eval_rewards/NAME/mean.")
    eval_data: str | None = Field(None, description="A generated dataset for evaluation (default: `data`).")
    eval_split: str | None = Field("val", description="Split of the evaluation records.")
    eval_max_samples: int | None = Field(64, description="Evaluate on at most this many records (the first "
                                         "ones by id: the same subset every time).")


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ValueError(f"--set {dotted}: {key} is not a section")
    node[keys[-1]] = value


def parse_override(item: str) -> tuple[str, Any]:
    """``"train.learning_rate=1e-5"`` -> ``("train.learning_rate", 1e-5)``; the value is YAML."""
    if "=" not in item:
        raise ValueError(f"override {item!r} is not key.path=value")
    key, raw = item.split("=", 1)
    return key.strip(), yaml.safe_load(raw)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_config_file(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A YAML config as a dict; ``extends: OTHER.yaml`` (relative to the file) is read first and
    this file's keys are merged over it, so a variant preset lists only what it changes."""
    path = Path(path).resolve()
    if path in _seen:
        raise ValueError(f"{path}: 'extends' cycle")
    loaded = yaml.safe_load(path.read_text())
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a YAML mapping")
    base = loaded.pop("extends", None)
    if base is None:
        return loaded
    return _merge(read_config_file(path.parent / base, (*_seen, path)), loaded)


def load_config(cls: type[BaseModel], path: str | Path | None = None, overrides: list[str] | None = None,
                **direct: Any) -> Any:
    """Defaults, then the YAML file (and what it extends), then ``--set`` overrides, then the CLI's direct options."""
    data: dict[str, Any] = read_config_file(path) if path is not None else {}
    for item in overrides or []:
        _set_path(data, *parse_override(item))
    for dotted, value in direct.items():
        if value is not None:
            _set_path(data, dotted, value)
    return cls.model_validate(data)


def dump_config(config: BaseModel, path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))


def config_help(cls: type[BaseModel], prefix: str = "") -> list[str]:
    """One line per field: dotted key, default, help text."""
    lines = []
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        key = f"{prefix}{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            lines += config_help(annotation, key + ".")
        else:
            default = info.get_default(call_default_factory=True)
            lines.append(f"{key} = {default!r}\n    {info.description or ''}")
    return lines
