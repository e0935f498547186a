"""The command line as a user runs it: one-line errors, exit codes, no tracebacks."""

import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "synrl.cli"]


def run(*args, cwd=None):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd)


def assert_clean_error(proc, needle, code=2):
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert needle in proc.stderr, proc.stderr


def test_tasks_lists_the_registry():
    proc = run("tasks")
    assert proc.returncode == 0
    for task in ("collision_count", "direction", "speed_change", "rotation"):
        assert task in proc.stdout


@pytest.mark.parametrize("args,needle", [
    (["--tasks", "colision_count"], "did you mean 'collision_count'"),
    (["--per-task", "0"], "per_task"),
    (["--per-task", "-3"], "per_task"),
    (["--width", "447"], "even number"),
    (["--width", "10"], "between 64 and 4096"),
    (["--difficulty", "9"], "difficulty"),
    (["--split", "dev"], "unknown split"),
    (["--background", "plaid"], "not a colour"),
    (["--question-types", "essay"], "unknown question type"),
])
def test_bad_generate_options(tmp_path, args, needle):
    out = tmp_path / "never"
    proc = run("generate", "--out", out, *args)
    assert_clean_error(proc, needle)
    assert not out.exists()  # nothing half-written


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = run("generate", "--tasks", "direction", "--per-task", "1", "--out", blocker / "ds")
    assert_clean_error(proc, "cannot write to")


def test_validate_and_audit_report_a_corrupt_video(dataset_copy):
    victim = sorted((dataset_copy / "videos").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[: 700])
    for command in ("validate", "audit"):
        proc = run(command, dataset_copy)
        assert_clean_error(proc, victim.stem, code=1)
        assert "failed" in proc.stderr


def test_validate_reports_a_wrong_answer(dataset_copy):
    manifest = dataset_copy / "manifest.jsonl"
    records = [json.loads(l) for l in manifest.open()]
    mc = next(r for r in records if r["answer_type"] == "multiple_choice")
    mc["answer"] = "H"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in records))
    proc = run("validate", dataset_copy)
    assert_clean_error(proc, f"{mc['id']}: answer 'H' is not an option", code=1)


def test_audit_catches_a_label_that_disagrees_with_the_pixels(dataset_copy):
    manifest = dataset_copy / "manifest.jsonl"
    records = [json.loads(l) for l in manifest.open()]
    victim = next(r for r in records if r["query"]["kind"] == "wall_contacts")
    victim["answer_value"] += 1
    manifest.write_text("".join(json.dumps(r) + "\n" for r in records))
    proc = run("audit", dataset_copy, "--tasks", "collision_count")
    assert_clean_error(proc, f"{victim['id']}: mismatch", code=1)


def test_not_a_dataset(tmp_path):
    for command in ("validate", "audit"):
        assert_clean_error(run(command, tmp_path), "not a synrl dataset")
        assert_clean_error(run(command, tmp_path / "nowhere"), "is not a folder")


def test_preview_by_id_and_by_path(small_dataset, tmp_path):
    record = json.loads((small_dataset / "manifest.jsonl").open().readline())
    png = tmp_path / "sheet.png"
    proc = run("preview", small_dataset, "--id", record["id"], "--out", png)
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    image = Image.open(png)
    assert image.width > 900 and image.height > 400
    proc = run("preview", small_dataset / record["video"]["path"], "--out", tmp_path / "b.png")
    assert proc.returncode == 0 and (tmp_path / "b.png").exists()
    assert_clean_error(run("preview", small_dataset, "--id", "nope"), "no sample 'nope'")
