"""The model path of the CoT pipeline (SynRL section 2.2): generate, verify, reflect, polish.

For each sample: a VLM (the generator) sees sampled frames (or the video), the question,
the correct answer and the timeline, and writes the reasoning of someone watching. The
programmatic checker (:mod:`synrl.cot.check`) runs first; a chain that passes it goes to
an LLM judge, which returns a JSON verdict (answer correct? events in order? times right?)
with feedback. A failed chain goes back to the generator with the feedback (reflection),
at most ``max_rounds`` rounds in all; then the sample is dropped. A verified chain is
rewritten for fluency by the polisher, and the polished text is kept only if it passes
the checker again.

Each finished sample (passed or dropped) is appended to the output JSONL at once, durably,
so a killed run resumes where it stopped; with the response cache, a rerun repeats no
request. Samples whose requests fail for good (after retries) are not written, are counted
in the summary, and are tried again by the next run.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from synrl import qa
from synrl.cot import prompts
from synrl.llm.cache import ResponseCache
from synrl.cot.check import CheckConfig, check_cot
from synrl.llm import ChatClient, ChatError, EndpointConfig, FatalEndpointError, RetryPolicy
from synrl.dataset import MODEL_COT, JsonlAppender, atomic_write_json, iter_jsonl
from synrl.cot.media import media_parts
from synrl.rewards import accuracy_reward

__all__ = [
    "LoopConfig",
    "RoleConfig",
    "Verdict",
    "normalize_chain",
    "parse_verdict",
    "run_model_cot",
]

CACHE_FILE = ".cot_cache.sqlite"


class RoleConfig(EndpointConfig):
    """An endpoint plus the role's system prompt (``None``: the default from synrl.qa)."""

    system_prompt: str | None = None


class LoopConfig(BaseModel):
    """Everything the model path needs; ``synrl cot --config FILE`` reads this from YAML/JSON."""

    model_config = ConfigDict(extra="forbid")

    generator: RoleConfig
    judge: RoleConfig | None = Field(None, description="default: the generator's endpoint, temperature 0")
    polisher: RoleConfig | None = Field(None, description="default: the judge's endpoint")
    polish: bool = True
    max_rounds: int = Field(5, ge=1, description="generation rounds per sample, reflections included")
    concurrency: int = Field(8, ge=1, le=512, description="requests in flight")
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    media: Literal["frames", "video"] = "frames"
    frames: int = Field(16, ge=1, le=256, description="frames sent to the generator (media=frames)")
    frame_max_side: int = Field(448, ge=32)
    jpeg_quality: int = Field(90, ge=10, le=100)
    video_url: Literal["data", "file"] = "data"
    judge_json_mode: bool = Field(True, description="ask the judge for response_format json_object")
    judge_attempts: int = Field(2, ge=1, description="judge requests per chain when the reply is not valid JSON")
    timestamp_tolerance_s: float = Field(0.5, gt=0)
    tasks: list[str] | None = None
    limit: int | None = Field(None, ge=1, description="only the first N samples (by id)")
    seed: int = 0

    @model_validator(mode="after")
    def _fill_roles(self) -> "LoopConfig":
        if self.judge is None:
            self.judge = self.generator.model_copy(update={"temperature": 0.0, "system_prompt": None})
        if self.polisher is None:
            self.polisher = self.judge.model_copy(update={"temperature": 0.7, "system_prompt": None})
        return self

    @property
    def check(self) -> CheckConfig:
        return CheckConfig(timestamp_tolerance_s=self.timestamp_tolerance_s)


# ----------------------------------------------------------------------------- verdict


@dataclass(frozen=True)
class Verdict:
    """The judge's structured opinion of one chain."""

    answer_correct: bool
    events_in_order: bool
    timestamps_correct: bool
    feedback: str

    @property
    def passed(self) -> bool:
        return self.answer_correct and self.events_in_order and self.timestamps_correct

    @property
    def failure(self) -> str | None:
        if not self.answer_correct:
            return "judge:answer"
        if not self.events_in_order:
            return "judge:order"
        if not self.timestamps_correct:
            return "judge:timestamps"
        return None


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def parse_verdict(text: str) -> Verdict | None:
    """The judge's verdict from its reply, or ``None`` when the reply is not one.

    Accepts the JSON object alone, inside a code fence, or surrounded by prose; the three
    flags must be booleans (or "true"/"false" strings); ``feedback`` may be missing.
    """
    if not isinstance(text, str):
        return None
    body = _FENCE.sub("", text.strip())
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(body[start : end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    flags = [_flag(data.get(key)) for key in prompts.JUDGE_KEYS[:3]]
    if any(flag is None for flag in flags):
        return None
    feedback = data.get("feedback")
    return Verdict(*flags, feedback=str(feedback).strip() if feedback is not None else "")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ chains


def normalize_chain(text: str, record: Mapping[str, Any]) -> str:
    """A model's chain reduced to ``<think>..</think><answer>..</answer>``.

    Text outside the two blocks is dropped, and a correct answer is rewritten in the
    canonical form (:func:`synrl.qa.answer_for`: "B", not "(B) Clockwise"), so every SFT
    target answers the way the prompt asks. A chain without both blocks is returned as is
    (stripped) for the checker to reject.
    """
    parts = qa.split_completion(text or "")
    if parts is None:
        return (text or "").strip()
    think, answer = parts
    candidate = qa.format_completion(think, answer)
    if accuracy_reward(candidate, record) >= 1.0:
        return qa.format_completion(think, qa.answer_for(record))
    return candidate


def _check_failure(check: Any) -> str:
    if not check.format_ok:
        return "check:format"
    if not check.answer_ok:
        return "check:answer"
    if not check.timestamps_ok:
        return "check:timestamps"
    if not check.objects_ok:
        return "check:objects"
    if not check.names_ok:
        return "check:names"
    return "check:other"


def _verdict_feedback(verdict: Verdict) -> str:
    if verdict.feedback:
        return verdict.feedback
    wrong = [what for ok, what in ((verdict.answer_correct, "the final answer is wrong"),
                                   (verdict.events_in_order, "the events are not in the timeline's order"),
                                   (verdict.timestamps_correct, "some times do not match the timeline"))
             if not ok]
    return "The reviewer found that " + "; ".join(wrong) + "."


# ------------------------------------------------------------------------------ sample


@dataclass
class _Tokens:
    prompt: int = 0
    completion: int = 0

    def add(self, result: Any) -> None:
        self.prompt += result.prompt_tokens
        self.completion += result.completion_tokens


@dataclass
class _Sample:
    """One sample going through the rounds."""

    record: Mapping[str, Any]
    config: LoopConfig
    client: ChatClient
    folder: Path
    tokens: _Tokens = field(default_factory=_Tokens)
    judge_malformed: int = 0

    def _system(self, role: RoleConfig, default: str) -> dict[str, Any]:
        return {"role": "system", "content": role.system_prompt or default}

    async def _judge(self, cot: str, round_no: int) -> Verdict | None:
        judge = self.config.judge
        assert judge is not None
        messages: list[dict[str, Any]] = [self._system(judge, prompts.JUDGE_SYSTEM_PROMPT),
                                          {"role": "user", "content": prompts.judge_prompt(self.record, cot)}]
        extra = {"response_format": {"type": "json_object"}} if self.config.judge_json_mode else None
        for attempt in range(1, self.config.judge_attempts + 1):
            reply = await self.client.chat("judge", judge, messages, extra, cache_tag=f"round {round_no} try {attempt}")
            self.tokens.add(reply)
            verdict = parse_verdict(reply.content)
            if verdict is not None:
                return verdict
            self.judge_malformed += 1
            messages = messages[:2] + [
                {"role": "assistant", "content": reply.content},
                {"role": "user", "content": "That reply was not the JSON object asked for. Reply with only "
                                            "the JSON object with keys " + ", ".join(prompts.JUDGE_KEYS) + "."},
            ]
        return None

    async def _polish(self, cot: str) -> tuple[str, str | None]:
        """The polished chain, or the input and why the polish was not kept."""
        polisher = self.config.polisher
        assert polisher is not None
        messages = [self._system(polisher, prompts.POLISHER_SYSTEM_PROMPT),
                    {"role": "user", "content": prompts.polisher_prompt(cot)}]
        reply = await self.client.chat("polisher", polisher, messages)
        self.tokens.add(reply)
        polished = normalize_chain(reply.content, self.record)
        check = check_cot(polished, self.record, self.config.check)
        if not check.ok:
            return cot, _check_failure(check)
        return polished, None

    async def run(self) -> dict[str, Any]:
        record, config = self.record, self.config
        parts = await asyncio.to_thread(
            media_parts, record, self.folder, mode=config.media, frames=config.frames,
            max_side=config.frame_max_side, jpeg_quality=config.jpeg_quality, video_url=config.video_url)
        generator = config.generator
        base = [self._system(generator, prompts.GENERATOR_SYSTEM_PROMPT),
                {"role": "user", "content": parts + [{"type": "text", "text": prompts.generator_prompt(record)}]}]
        messages = list(base)
        rounds: list[dict[str, Any]] = []
        for round_no in range(1, config.max_rounds + 1):
            reply = await self.client.chat("generator", generator, messages, cache_tag=f"round {round_no}")
            self.tokens.add(reply)
            cot = normalize_chain(reply.content, record)
            check = check_cot(cot, record, config.check)
            if not check.ok:
                failure, feedback = _check_failure(check), check.feedback()
            else:
                verdict = await self._judge(cot, round_no)
                if verdict is None:
                    failure = "judge:malformed"
                    feedback = ("The reviewer could not assess this reasoning. Rewrite it clearly, event by "
                                "event in time order, with mm:ss times.")
                elif verdict.passed:
                    return await self._finish(cot, check, round_no, rounds)
                else:
                    failure, feedback = verdict.failure or "judge:other", _verdict_feedback(verdict)
            rounds.append({"round": round_no, "failure": failure, "feedback": feedback})
            messages = base + [{"role": "assistant", "content": reply.content},
                               {"role": "user", "content": prompts.generator_retry_prompt(feedback)}]
        return self._line("dropped", None, None, config.max_rounds, rounds, reason=rounds[-1]["failure"])

    async def _finish(self, cot: str, check: Any, round_no: int, rounds: list[dict[str, Any]]) -> dict[str, Any]:
        polished, rejected = False, None
        if self.config.polish:
            text, rejected = await self._polish(cot)
            if rejected is None:
                cot, polished = text, True
                check = check_cot(cot, self.record, self.config.check)
        line = self._line("passed", cot, check, round_no, rounds)
        line["polished"] = polished
        if rejected:
            line["polish_rejected"] = rejected
        return line

    def _line(self, status: str, cot: str | None, check: Any, round_no: int, rounds: list[dict[str, Any]],
              reason: str | None = None) -> dict[str, Any]:
        line: dict[str, Any] = {
            "id": self.record["id"], "task": self.record["task"], "status": status, "source": "model",
            "cot": cot, "round": round_no, "check": check.to_dict() if check is not None else None,
            "rounds": rounds, "judge_malformed": self.judge_malformed,
            "tokens": {"prompt": self.tokens.prompt, "completion": self.tokens.completion},
            "models": {"generator": self.config.generator.model, "judge": self.config.judge.model,  # type: ignore[union-attr]
                       "polisher": self.config.polisher.model if self.config.polish else None},  # type: ignore[union-attr]
        }
        if reason:
            line["reason"] = reason
        return line


# --------------------------------------------------------------------------------- run


def _summary(lines: list[dict[str, Any]], selected: int, errors: Counter, error_ids: list[str],
             client: ChatClient, elapsed: float, fatal: str | None) -> dict[str, Any]:
    passed = [line for line in lines if line["status"] == "passed"]
    dropped = [line for line in lines if line["status"] == "dropped"]
    total_tokens = {"prompt": sum(line["tokens"]["prompt"] for line in lines),
                    "completion": sum(line["tokens"]["completion"] for line in lines)}
    return {
        "samples": selected,
        "finished": len(lines),
        "passed": len(passed),
        "passed_by_round": dict(sorted(Counter(str(line["round"]) for line in passed).items(), key=lambda kv: int(kv[0]))),
        "dropped": len(dropped),
        "dropped_reasons": dict(Counter(line["reason"] for line in dropped)),
        "failed_rounds": dict(Counter(r["failure"] for line in lines for r in line["rounds"])),
        "polished": sum(1 for line in passed if line.get("polished")),
        "polish_rejected": dict(Counter(line["polish_rejected"] for line in passed if line.get("polish_rejected"))),
        "judge_malformed": sum(line.get("judge_malformed", 0) for line in lines),
        "unfinished": selected - len(lines),
        "errors": dict(errors),
        "error_ids": error_ids[:50],
        "fatal": fatal,
        "this_run": {**client.stats.to_dict(), "elapsed_s": round(elapsed, 3)},
        "tokens_total": total_tokens,
    }


async def _run(folder: Path, config: LoopConfig, out: Path, cache_path: Path,
               on_progress: Callable[[int, int], None] | None) -> dict[str, Any]:
    from synrl.dataset import load_dataset

    started = time.monotonic()
    records = load_dataset(folder)
    if config.tasks:
        wanted = set(config.tasks)
        records = [r for r in records if r["task"] in wanted]
    records.sort(key=lambda r: r["id"])
    if config.limit:
        records = records[: config.limit]
    selected_ids = {r["id"] for r in records}
    finished = {line["id"]: line for line in iter_jsonl(out) if line.get("id") in selected_ids}
    todo = [r for r in records if r["id"] not in finished]

    cache = ResponseCache(cache_path)
    client = ChatClient(concurrency=config.concurrency, retry=config.retry, cache=cache, seed=config.seed)
    errors: Counter = Counter()
    error_ids: list[str] = []
    fatal: str | None = None
    done = len(finished)
    queue: asyncio.Queue = asyncio.Queue()
    for record in todo:
        queue.put_nowait(record)
    if on_progress:
        on_progress(done, len(records))

    async def worker(appender: JsonlAppender) -> None:
        nonlocal done, fatal
        while fatal is None:
            try:
                record = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                line = await _Sample(record, config, client, folder).run()
            except FatalEndpointError as exc:
                fatal = str(exc)
                return
            except ChatError as exc:
                errors[exc.reason] += 1
                error_ids.append(record["id"])
                continue
            except OSError as exc:  # a missing or unreadable video
                errors["media"] += 1
                error_ids.append(f"{record['id']}: {exc}")
                continue
            appender.append(line)
            finished[line["id"]] = line
            done += 1
            if on_progress:
                on_progress(done, len(records))

    try:
        with JsonlAppender(out) as appender:
            await asyncio.gather(*(worker(appender) for _ in range(min(config.concurrency, max(1, len(todo))))))
    finally:
        client.close()
        cache.close()
    lines = [finished[r["id"]] for r in records if r["id"] in finished]
    return _summary(lines, len(records), errors, error_ids, client, time.monotonic() - started, fatal)


def run_model_cot(folder: Path, config: LoopConfig, *, out: Path | None = None, summary_path: Path | None = None,
                  cache_path: Path | None = None,
                  on_progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run the model path over a dataset folder; returns the summary (also written as JSON).

    Output: ``out`` (default ``FOLDER/cot_model.jsonl``), one line per finished sample;
    summary: ``summary_path`` (default: the output path with ``.summary.json``); cache:
    ``cache_path`` (default ``FOLDER/.cot_cache.sqlite``). Raises
    :class:`~synrl.llm.FatalEndpointError` (after writing the summary) when an
    endpoint refuses requests outright.
    """
    out = out or folder / MODEL_COT
    summary_path = summary_path or out.with_name(out.stem + ".summary.json")
    summary = asyncio.run(_run(folder, config, out, cache_path or folder / CACHE_FILE, on_progress))
    summary["output"] = str(out)
    atomic_write_json(summary_path, summary)
    if summary["fatal"]:
        raise FatalEndpointError("fatal", summary["fatal"])
    return summary
