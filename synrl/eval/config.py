"""Typed settings of an evaluation run; all of them are recorded in the run's run.json."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator


class FrameConfig(BaseModel):
    """How frames are sampled from a video and sized before the model sees them."""

    num_frames: int = Field(16, ge=1, le=1024, description="frames sampled uniformly over the clip")
    fps: float | None = Field(None, gt=0, description="sample at this rate instead (capped by num_frames)")
    max_pixels: int = Field(448 * 448, ge=28 * 28, description="each frame is downscaled to at most this many pixels")
    min_pixels: int = Field(28 * 28, ge=1, description="and upscaled to at least this many")
    timestamps: bool = Field(True, description="label each frame with its time (OpenAI backend, frames mode)")


class DecodingConfig(BaseModel):
    """Generation settings; the defaults are Video-R1's (Qwen2.5-VL demo) near-greedy decoding."""

    temperature: float = Field(0.01, ge=0.0)
    top_p: float = Field(0.001, gt=0.0, le=1.0)
    max_new_tokens: int = Field(1024, ge=1)
    seed: int | None = Field(0, description="sampling seed (server-side when supported)")


class OpenAIConfig(BaseModel):
    """An OpenAI-compatible chat-completions server (vLLM, SGLang, hosted)."""

    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "Qwen/Qwen2.5-VL-7B-Instruct"
    api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the key")
    concurrency: int = Field(8, ge=1, le=256)
    retries: int = Field(3, ge=0, le=20, description="retries after a failed request")
    timeout_s: float = Field(300.0, gt=0)
    backoff_s: float = Field(1.0, ge=0, description="first retry delay; doubles each retry")
    video_input: Literal["frames", "video_url"] = Field(
        "frames", description="send sampled JPEG frames, or a file:// video_url the server decodes itself"
    )
    jpeg_quality: int = Field(90, ge=10, le=100)


class TransformersConfig(BaseModel):
    """A local Hugging Face model (Qwen2.5-VL family) run with transformers."""

    model: str = Field(..., description="model id or path saved with save_pretrained")
    batch_size: int = Field(4, ge=1)
    device: str = Field("auto", description="auto, cpu, cuda, cuda:1, ...")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    attn_implementation: str | None = None


class RunConfig(BaseModel):
    """Everything that decides the predictions of a run."""

    benchmark: str
    data: Path | None = Field(None, description="benchmark folder (annotations + videos)")
    options: dict[str, str] = Field(default_factory=dict, description="benchmark loader options")
    backend: Literal["openai", "transformers"]
    openai: OpenAIConfig | None = None
    transformers: TransformersConfig | None = None
    frames: FrameConfig = Field(default_factory=FrameConfig)
    decoding: DecodingConfig = Field(default_factory=DecodingConfig)
    samples: int = Field(1, ge=1, le=256, description="completions per question (pass@k needs >= k)")
    limit: int = Field(0, ge=0, description="only N questions, stratified over the first breakdown (0: all)")
    limit_seed: int = Field(0, description="seed of the --limit draw")
    reversed_intervals: Literal["reject", "swap"] = Field(
        "reject", description="an interval answer ending before it starts scores 0 (reject) or is swapped (lmms-eval)"
    )
    system_prompt: bool = Field(True, description="send synrl.qa.SYSTEM_PROMPT as the system message")
    lenient: bool = Field(True, description="read answers of models that ignore the <answer> tags")

    @field_validator("benchmark")
    @classmethod
    def _known(cls, v: str) -> str:
        from synrl.eval.benchmarks import benchmark_names

        if v not in benchmark_names():
            raise ValueError(f"unknown benchmark {v!r}; known: {', '.join(benchmark_names())}")
        return v

    def model_label(self) -> str:
        """The model's name for reports."""
        if self.backend == "openai" and self.openai:
            return self.openai.model
        if self.transformers:
            return Path(self.transformers.model).name or self.transformers.model
        return "?"

    def prediction_settings(self) -> dict:
        """The settings that must match for a resumed run to append to the same file."""
        data = self.model_dump(mode="json")
        # Reporting choices do not change what the model was asked.
        for key in ("lenient", "limit", "limit_seed", "reversed_intervals"):
            data.pop(key, None)
        for key in ("concurrency", "retries", "timeout_s", "backoff_s", "api_key_env"):
            (data.get("openai") or {}).pop(key, None)
        (data.get("transformers") or {}).pop("batch_size", None)
        return data
