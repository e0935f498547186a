"""synrl.dataset: the layout, the atomic writers and the one JSONL repair rule."""

from __future__ import annotations

import json

import pytest

from synrl.dataset import (ANSWER_TYPES, DatasetError, JsonlAppender, atomic_write_json, atomic_write_jsonl,
                           is_ordered, iter_jsonl, load_dataset, read_manifest, remove_temp_files, repair_tail,
                           write_manifest)


def test_manifest_round_trip_sorted_by_id(tmp_path):
    write_manifest(tmp_path, [{"id": "b", "x": 1}, {"id": "a", "x": "é"}])
    text = (tmp_path / "manifest.jsonl").read_text(encoding="utf-8")
    assert text == '{"id":"a","x":"é"}\n{"id":"b","x":1}\n'
    assert [r["id"] for r in read_manifest(tmp_path)] == ["a", "b"] == [r["id"] for r in load_dataset(tmp_path)]
    assert not list(tmp_path.glob(".*.tmp"))


def test_not_a_dataset_is_one_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no manifest.jsonl: not a synrl dataset"):
        load_dataset(tmp_path)
    with pytest.raises(DatasetError, match="is not a folder"):
        load_dataset(tmp_path / "missing")
    (tmp_path / "manifest.jsonl").write_text('{"id": "a"}\n{oops\n')
    with pytest.raises(DatasetError, match=r"manifest.jsonl:2: not a JSON record"):
        read_manifest(tmp_path)


def test_appender_cuts_what_a_killed_writer_left(tmp_path):
    path = tmp_path / "rows.jsonl"
    with JsonlAppender(path) as out:
        out.append({"id": "a"})
    with path.open("ab") as fh:
        fh.write(b'{"id":"b","half')
    assert [r["id"] for r in iter_jsonl(path)] == ["a"]  # the fragment is never read
    with JsonlAppender(path) as out:
        out.append({"id": "c"})
    assert path.read_text() == '{"id":"a"}\n{"id":"c"}\n'
    assert repair_tail(path) == 0


def test_repair_tail_of_a_file_without_any_newline(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"x" * 70000)  # longer than one scan chunk
    assert repair_tail(path) == 70000 and path.read_bytes() == b""


def test_atomic_writers_and_temp_cleanup(tmp_path):
    assert atomic_write_jsonl(tmp_path / "a.jsonl", [{"k": 1}, {"k": 2}]) == 2
    atomic_write_json(tmp_path / "b.json", {"k": "é"})
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8")) == {"k": "é"}
    (tmp_path / ".c.json.123.tmp").write_text("partial")
    remove_temp_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.json"]


@pytest.mark.parametrize("flag, ordered", [(None, True), (True, True), (False, False), ("false", False),
                                           ("No", False), ("0", False), ("true", True), (0, False)])
def test_the_ordered_list_rule(flag, ordered):
    record = {} if flag is None else {"answer_ordered": flag}
    assert is_ordered(record) is ordered


def test_answer_types_are_defined_once():
    from synrl.rewards import ground_truth
    from synrl import validate

    assert ground_truth.ANSWER_TYPES is ANSWER_TYPES and validate.ANSWER_TYPES is ANSWER_TYPES


def test_validate_reads_dataset_json_through_the_dataset_module(tmp_path):
    from synrl.validate import validate

    write_manifest(tmp_path, [])
    assert validate(tmp_path).dataset_errors == ["dataset.json is missing"]
    (tmp_path / "dataset.json").write_text("{not json")
    assert validate(tmp_path).dataset_errors == ["dataset.json is not valid JSON: Expecting property name "
                                                 "enclosed in double quotes"]
    atomic_write_json(tmp_path / "dataset.json", {"complete": False})
    assert "did not complete" in validate(tmp_path).dataset_errors[0]
