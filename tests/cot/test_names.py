"""The checker's long-term names (synrl.cot.names): cards, cups, files, paths, cells, tiles."""

from __future__ import annotations

from synrl.config import VideoOptions
from synrl.cot import check_cot, grounded_cot
from synrl.cot.names import known_names, mentioned_names, unknown_names
from synrl.generate import SampleRequest, build_sample


def record(task: str, states: list[dict], timeline_ops: list[dict] = (), scene: dict | None = None) -> dict:
    timeline = [{"type": "initial_reveal"}, *timeline_ops, {"type": "final_reveal"}]
    return {"task": task, "states": states, "timeline": timeline, "scene": scene or {}}


CARDS = record("cards", [{"pile": ["QH", "10D", "AS"]}, {"pile": ["10D", "AS"]}],
               [{"type": "draw", "card": "QH"}, {"type": "insert", "card": "2C"}])


def test_card_names_in_words_are_checked_against_every_pile_and_operation():
    assert mentioned_names("the queen of hearts, then the 10 of Diamonds", ["card"]) == [
        ("card", "queen of hearts", "QH"), ("card", "10 of Diamonds", "10D")]
    assert known_names(CARDS) == {"card": {"QH", "10D", "AS", "2C"}}
    assert unknown_names("The Ace of Spades, the Two of Clubs and the 10 of Diamonds.", CARDS) == {}
    assert unknown_names("Then the King of Spades moves above the Queen of Hearts.", CARDS) == {
        "card": ["King of Spades"]}


def test_cups_in_runs():
    chips = record("chips", [{"cups": {"A": [5], "B": []}}, {"cups": {"A": [], "B": [5]}}])
    assert unknown_names("Cups A and B hold chips; cup B gets the 5.", chips) == {}
    assert unknown_names("Cups A, B and D are on the table; the cupboard is not a cup.", chips) == {
        "cup": ["D"]}


def test_files_and_paths_fold_case_like_the_answer_normaliser():
    fs = record("file_system",
                [{"dirs": ["/", "/src"], "files": ["/README.md", "/src/app.js"], "cwd": "/"},
                 {"dirs": ["/", "/src", "/src/lib"], "files": ["/src/app.js"], "cwd": "/src"}],
                [{"type": "rm", "args": ["README.md"]}, {"type": "rm", "args": ["ghost.txt"]}])
    text = ("After `rm README.md` (readme.md is gone) and `rm ghost.txt`, the shell is in /src/ "
            "and src/app.js stays, i.e. /src/app.js; /src/lib is new.")
    assert unknown_names(text, fs) == {}
    assert unknown_names("Then notes.txt appears in /docs and /src/app.js.", fs) == {
        "file": ["notes.txt"], "path": ["/docs"]}
    # Decimals, "e.g." and sentence ends are not file names.
    assert mentioned_names("at 1.5 s, e.g. the end. Then app.js.", ["file"]) == [("file", "app.js", "app.js")]


def test_cells_and_tiles_exist_on_the_board():
    puzzle = record("sliding_puzzle", [{"rows": [[1, 2], [3, 0]]}], scene={"board": {"rows": 2, "cols": 2}})
    assert known_names(puzzle) == {"cell": {"a1", "b1", "a2", "b2"}, "tile": {"1", "2", "3"}}
    assert unknown_names("Tile 3 slides from a2 to b2; tiles 1 and 2 stay.", puzzle) == {}
    assert unknown_names("Tile 4 slides from c3 to b2.", puzzle) == {"cell": ["c3"], "tile": ["4"]}


def test_tasks_without_names_are_not_checked():
    assert known_names({"task": "collision_count"}) == {}
    assert unknown_names("the Queen of Hearts in c9", {"task": "collision_count"}) == {}


def test_a_grounded_chain_passes_and_an_invented_card_fails_with_the_real_ones_listed():
    request = SampleRequest("cards", "train", 3, 1, 2, ("mc", "open"), VideoOptions())
    rec = build_sample(request).record
    chain = grounded_cot(rec)
    assert check_cot(chain, rec).ok
    dealt = known_names(rec)["card"]
    absent = next(c for c in ("KS", "QH", "2C", "7D", "AH", "9S") if c not in dealt)
    name = {"KS": "King of Spades", "QH": "Queen of Hearts", "2C": "2 of Clubs", "7D": "7 of Diamonds",
            "AH": "Ace of Hearts", "9S": "9 of Spades"}[absent]
    bad = chain.replace("<think>", f"<think>First the {name} is drawn. ", 1)
    result = check_cot(bad, rec)
    assert not result.ok and not result.names_ok and result.objects_ok
    assert result.unknown_names == {"card": [name]}
    assert f"Names cards that are not in the video: {name}." in result.feedback()
