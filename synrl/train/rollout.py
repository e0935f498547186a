"""vLLM rollouts for video GRPO: the sampled frames, not the file, go to vLLM.

TRL 1.16's vLLM path forwards images only (``VLLMGeneration.generate`` builds
``multi_modal_data={"image": ...}`` in colocate mode and places image tokens only in
server mode). :class:`~synrl.train.grpo.VideoGRPOTrainer` overrides
``_generate_single_turn`` to call :func:`generate` here instead, with the
:class:`~synrl.train.data.Clip` each prompt was tokenized with, so vLLM sees exactly the
frames (and timestamps) the loss pass sees:

* colocate: the in-process ``vllm.LLM`` of TRL's ``VLLMGeneration`` gets
  ``{"prompt_token_ids", "multi_modal_data": {"video": (frames, metadata)},
  "mm_processor_kwargs"}`` with the processor's frame sampling off;
* server (``trl vllm-serve`` / ``vllm serve --enable-scale-out``): the frames go, PNG
  encoded (lossless), with their timing, to ``/v1/chat/completions/render``; the
  processed features it returns are placed on the prompt's video tokens and generated
  from with TRL's ``VLLMClient.generate`` (``/inference/v1/generate``).

Weights: TRL syncs them over NCCL, which needs CUDA. On CPU (or with
``weight_sync="reload"``) the policy is written as safetensors to a folder the engine
reads with its ``reload_weights`` worker method (``/collective_rpc`` for a server started
with ``VLLM_SERVER_DEV_MODE=1``). In both cases the engine's encoder and multimodal
caches are reset, since a video seen before would otherwise reuse features computed by
the old weights.
"""

from __future__ import annotations

import atexit
import base64
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from synrl.train.data import Clip, VideoOptions, processor_video_kwargs


def collapse_video_tokens(ids: Sequence[int], video_token_id: int) -> list[int]:
    """``ids`` with each run of video tokens reduced to one token.

    vLLM expands one placeholder per video itself; handed the processor's already expanded
    run it would expand its first token again and keep the rest.
    """
    return [t for i, t in enumerate(ids) if not (t == video_token_id and i > 0 and ids[i - 1] == video_token_id)]


def cut_at_tokens(completions: list[list[int]], logprobs: list[list[float]] | None, stop: set[int]):
    """Each completion (and its log-probs) truncated before its first token in ``stop``."""
    cut_ids, cut_lps = [], [] if logprobs is not None else None
    for i, ids in enumerate(completions):
        end = next((j for j, t in enumerate(ids) if t in stop), len(ids))
        cut_ids.append(list(ids[:end]))
        if cut_lps is not None:
            cut_lps.append(list(logprobs[i][:end]))
    return cut_ids, cut_lps


def video_metadata(clip: Clip) -> dict[str, Any]:
    """The timing vLLM passes to the HF processor (Qwen2.5-VL's timestamps come from it)."""
    return {"fps": float(clip.fps), "duration": clip.total_frames / clip.fps if clip.fps else None,
            "total_num_frames": int(clip.total_frames), "frames_indices": [int(i) for i in clip.indices],
            "video_backend": "pyav", "do_sample_frames": False}


def mm_processor_kwargs(processor, clips: Sequence[Clip], opts: VideoOptions) -> dict[str, Any]:
    """The processor keyword arguments of :func:`processor_video_kwargs` minus the videos themselves."""
    kwargs = processor_video_kwargs(processor, clips, opts)
    return {k: v for k, v in kwargs.items() if k not in ("videos", "video_metadata")}


def frames_data_url(frames: np.ndarray) -> str:
    """``data:video/jpeg;base64,...`` as vLLM's frame-list loader reads it, with PNG frames.

    vLLM decodes each comma-separated frame with PIL, which reads PNG whatever the media
    type says; JPEG would change the pixels the policy is trained on.
    """
    from PIL import Image

    parts = []
    for frame in frames:
        buf = io.BytesIO()
        Image.fromarray(frame).save(buf, format="PNG")
        parts.append(base64.b64encode(buf.getvalue()).decode())
    return "data:video/jpeg;base64," + ",".join(parts)


def place_video_features(features: dict[str, Any], prompt_ids: Sequence[int], video_token_id: int) -> dict[str, Any]:
    """Point rendered video features at the runs of video tokens in ``prompt_ids``.

    The server reports placeholders for the conversation it rendered, not for the
    trainer's prompt; the runs are recounted here and must match in number and length.
    """
    runs, i = [], 0
    while i < len(prompt_ids):
        if prompt_ids[i] == video_token_id:
            j = i
            while j < len(prompt_ids) and prompt_ids[j] == video_token_id:
                j += 1
            runs.append({"offset": i, "length": j - i})
            i = j
        else:
            i += 1
    rendered = features["mm_placeholders"]["video"]
    if [r["length"] for r in runs] != [p["length"] for p in rendered]:
        raise ValueError(f"the server processed videos into {[p['length'] for p in rendered]} tokens, the prompt has "
                         f"runs of {[r['length'] for r in runs]}: the server's processor settings differ")
    placed = [{**p, **r} for p, r in zip(rendered, runs, strict=True)]
    return {**features, "mm_placeholders": {**features["mm_placeholders"], "video": placed}}


def render_video_features(client, clips: Sequence[Clip], processor_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The server's processed features for one prompt's clips (``/v1/chat/completions/render``)."""
    if len(clips) != 1:
        # media_io_kwargs are per request, so each clip's timing cannot be told apart.
        raise ValueError(f"server-mode vLLM rollouts take one video per prompt, got {len(clips)}")
    clip = clips[0]
    timing = {k: v for k, v in video_metadata(clip).items() if k != "video_backend" and v is not None}
    body = {"model": client.model, "max_tokens": 1,
            "messages": [{"role": "user", "content": [
                {"type": "video_url", "video_url": {"url": frames_data_url(clip.frames)}}]}],
            "media_io_kwargs": {"video": timing},
            "mm_processor_kwargs": processor_kwargs}
    response = client.session.post(f"{client.base_url}/v1/chat/completions/render", json=body)
    if response.status_code == 404:
        raise RuntimeError(f"{client.base_url} does not serve /v1/chat/completions/render: start it with "
                           "`trl vllm-serve` or `vllm serve ... --enable-scale-out`")
    if response.status_code != 200:
        raise RuntimeError(f"render request failed: {response.status_code} {response.text[:500]}")
    return response.json()["features"]


def _sampling(vg) -> dict[str, Any]:
    return {"n": 1, "repetition_penalty": vg.repetition_penalty, "temperature": vg.temperature, "top_p": vg.top_p,
            "top_k": vg.top_k, "min_p": 0.0 if vg.min_p is None else vg.min_p,
            "max_tokens": vg.max_completion_length, "logprobs": vg.logprobs, **vg.generation_kwargs}


def generate_colocate(vg, prompt_ids: list[list[int]], clips: list[list[Clip]], processor_kwargs: list[dict],
                      video_token_id: int) -> tuple[list[list[int]], list[list[float]] | None]:
    """One completion per prompt from TRL's in-process engine, with the prompts' frames."""
    from vllm import SamplingParams

    requests = []
    for ids, sample_clips, kwargs in zip(prompt_ids, clips, processor_kwargs, strict=True):
        row: dict[str, Any] = {"prompt_token_ids": collapse_video_tokens(ids, video_token_id)}
        if sample_clips:
            row["multi_modal_data"] = {"video": [(c.frames, video_metadata(c)) for c in sample_clips]}
            row["mm_processor_kwargs"] = kwargs
        requests.append(row)
    outputs = vg.llm.generate(requests, sampling_params=SamplingParams(**_sampling(vg)), use_tqdm=False)
    for ids, out in zip(prompt_ids, outputs, strict=True):
        if list(out.prompt_token_ids) != list(ids):
            raise RuntimeError("vLLM expanded the video into a different number of tokens than the trainer's "
                               f"processor ({len(out.prompt_token_ids)} vs {len(ids)} prompt tokens)")
    completions = [list(o.outputs[0].token_ids) for o in outputs]
    logprobs = None
    if vg.logprobs is not None:
        logprobs = [[next(iter(step.values())).logprob for step in o.outputs[0].logprobs] for o in outputs]
    return completions, logprobs


def generate_server(vg, accelerator, prompt_ids: list[list[int]], clips: list[list[Clip]],
                    processor_kwargs: list[dict], num_generations: int, video_token_id: int):
    """``num_generations`` completions per distinct prompt from the server, on the main process.

    Mirrors TRL's server path: prompts arrive ``num_generations`` times each, are gathered,
    generated once with ``n=num_generations`` and the completions scattered back.
    """
    from accelerate.utils import broadcast_object_list, gather_object

    local = list(zip(prompt_ids, clips, processor_kwargs, strict=True))
    everything = gather_object(local)
    payload = None
    if accelerator.is_main_process:
        client = vg.vllm_client
        unique = everything[::num_generations]
        features = [place_video_features(render_video_features(client, c, k), ids, video_token_id) if c else None
                    for ids, c, k in unique]
        sampling = {**_sampling(vg), "n": num_generations}
        payload = generate_from_features(client, [ids for ids, _, _ in unique], features, sampling)
    box = [payload]
    broadcast_object_list(box, from_process=0)
    completions, logprobs = box[0]
    part = slice(accelerator.process_index * len(prompt_ids), (accelerator.process_index + 1) * len(prompt_ids))
    return completions[part], (logprobs[part] if logprobs is not None else None)


def generate_from_features(client, prompts: list[list[int]], features: list[dict | None],
                           sampling: dict[str, Any]) -> tuple[list[list[int]], list[list[float]] | None]:
    """``/inference/v1/generate`` from token ids + rendered features; ``n`` completions per prompt, in order.

    Not ``VLLMClient.generate``: TRL 1.16 reads each logprob entry's ``token`` key, which
    vLLM 0.32 names ``token_id``; only the sampled token's ``logprob`` is read here.
    """
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    # FINAL_ONLY: with the default output kind the server returns only the sequences that
    # finished last when n > 1 (vLLM PR #52399, worked around the same way in TRL).
    sampling = {**sampling, "output_kind": 2}

    def send(i):
        return client._post(f"{client.base_url}/inference/v1/generate",
                            json={"request_id": f"synrl-{uuid.uuid4().hex}", "model": client.model,
                                  "token_ids": prompts[i], "features": features[i], "sampling_params": sampling})

    with ThreadPoolExecutor(max_workers=min(8, len(prompts))) as pool:
        choices = [c for response in pool.map(send, range(len(prompts))) for c in response["choices"]]
    completions = [list(c["token_ids"]) for c in choices]
    if sampling.get("logprobs") is None:
        return completions, None
    return completions, [[entry["logprob"] for entry in c["logprobs"]["content"]] for c in choices]


def sync_weights_by_reload(vg, model, accelerator) -> None:
    """Push the policy's weights into the engine without NCCL (CPU, or a server without a transfer engine).

    The parameters are written as one safetensors file in checkpoint naming; the engine's
    ``reload_weights`` reads them in place and resets its encoder and multimodal caches.
    """
    from safetensors.torch import save_file

    if accelerator.num_processes > 1:
        raise NotImplementedError("weight sync by reload runs on one process; use NCCL (CUDA) for more")
    # TRL's iterator: PEFT adapters merged, names as vLLM's loader expects them.
    tensors = {name: param.detach().contiguous() for name, param in vg._iter_named_params()}
    if vg.mode == "colocate":
        vg.llm.collective_rpc("reload_weights", kwargs={"weights_iterator": iter(tensors.items())})
        vg.llm.reset_prefix_cache()
        return
    if not accelerator.is_main_process:
        return
    # One folder per run, overwritten at each sync: the engine's model config points at the
    # last folder it reloaded from. The server must see this machine's filesystem.
    folder = getattr(vg, "_reload_folder", None)
    if folder is None:
        folder = vg._reload_folder = Path(tempfile.mkdtemp(prefix="synrl-vllm-weights-"))
        atexit.register(shutil.rmtree, folder, True)
        # The engine reads its config and processor from the folder it last reloaded from.
        source = Path(str(getattr(model, "name_or_path", "")))
        if source.is_dir():
            for path in source.iterdir():
                if path.is_file() and not path.name.startswith("model") and path.suffix != ".safetensors":
                    shutil.copy2(path, folder)
        else:
            model.config.save_pretrained(folder)
            vg.processing_class.save_pretrained(folder)
    save_file(tensors, str(folder / "model.safetensors"))
    client = vg.vllm_client
    client._post(f"{client.base_url}/collective_rpc",
                 json={"method": "reload_weights", "kwargs": {"weights_path": str(folder)}})
    client.reset_prefix_cache()
    for endpoint in ("reset_encoder_cache", "reset_mm_cache"):
        response = client.session.post(f"{client.base_url}/{endpoint}")
        if response.status_code != 200:
            raise RuntimeError(f"/{endpoint} failed: {response.status_code} {response.text[:300]}")


def uses_reload(weight_sync: str, device) -> bool:
    """Whether weights reach vLLM by reload: asked for, or ``auto`` off CUDA (TRL's NCCL path needs CUDA)."""
    if weight_sync not in ("auto", "nccl", "reload"):
        raise ValueError(f"vllm_weight_sync must be auto, nccl or reload, got {weight_sync!r}")
    return weight_sync == "reload" or (weight_sync == "auto" and getattr(device, "type", str(device)) != "cuda")


def generation_class():
    """TRL's ``VLLMGeneration`` with the video-safe weight sync (built lazily: TRL imports vLLM)."""
    from trl.generation.vllm_client import VLLMClient
    from trl.generation.vllm_generation import VLLMGeneration

    class VideoVLLMGeneration(VLLMGeneration):
        """``VLLMGeneration`` whose weight sync also works without NCCL and resets the encoder cache."""

        def __init__(self, *args, weight_sync: str = "auto", **kwargs):
            self.weight_sync = weight_sync
            super().__init__(*args, **kwargs)

        @property
        def reload(self) -> bool:
            return uses_reload(self.weight_sync, self.accelerator.device)

        def _init_vllm(self):
            if self.mode == "colocate" and self.tensor_parallel_size == 1:
                return self._init_colocate()
            if self.mode != "server" or not self.reload:
                return super()._init_vllm()
            # TRL's server path opens an NCCL group (CUDA only); reload needs just the HTTP client.
            if self.accelerator.is_main_process:
                base_url = self.server_base_url or f"http://{self.server_host}:{self.server_port}"
                self.vllm_client = VLLMClient(base_url=base_url, group_port=self.group_port,
                                              connection_timeout=self.server_timeout)
            self.accelerator.wait_for_everyone()

        def _init_colocate(self):
            # TRL's colocate engine with one change: the policy's dtype. TRL leaves vLLM's
            # "auto", which runs a float32 checkpoint in bfloat16 on CPU (and float16 on
            # some GPUs), so rollout log-probs would differ from the loss pass's by ~1e-2.
            import torch
            from trl.trainer.utils import ensure_master_addr_port
            from vllm import LLM

            if not self.accelerator.num_processes % self.tensor_parallel_size == 0:
                raise ValueError("tensor_parallel_size must divide the number of processes")
            os.environ["RANK"] = str(self.accelerator.process_index)
            os.environ["LOCAL_RANK"] = str(self.accelerator.local_process_index)
            os.environ["WORLD_SIZE"] = str(self.accelerator.num_processes)
            ensure_master_addr_port()
            dtype = getattr(self.model, "dtype", None)
            self.llm = LLM(
                model=self.model.name_or_path, tensor_parallel_size=1,
                gpu_memory_utilization=self.gpu_memory_utilization, max_model_len=self.max_model_length,
                max_num_seqs=self.max_num_seqs, enable_sleep_mode=self.enable_sleep_mode, model_impl=self.model_impl,
                distributed_executor_backend="external_launcher", seed=self.accelerator.process_index,
                max_num_batched_tokens=4096, logprobs_mode="processed_logprobs",
                dtype=str(dtype).removeprefix("torch.") if isinstance(dtype, torch.dtype) else "auto",
                trust_remote_code=self.trust_remote_code)
            if self.enable_sleep_mode:
                self.llm.sleep(level=2)
            self._llm_weights_sleeping = self.enable_sleep_mode
            self.accelerator.wait_for_everyone()

        def sync_weights(self):
            if self.reload:
                sync_weights_by_reload(self, self.model, self.accelerator)
                return
            super().sync_weights()
            # TRL resets the prefix cache only: a video seen before would get stale vision features.
            if self.mode == "colocate":
                self.llm.llm_engine.reset_encoder_cache()
                self.llm.reset_mm_cache()
            elif self.accelerator.is_main_process:
                for endpoint in ("reset_encoder_cache", "reset_mm_cache"):
                    self.vllm_client.session.post(f"{self.vllm_client.base_url}/{endpoint}")

    return VideoVLLMGeneration
