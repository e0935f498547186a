"""Table-driven tests of synrl.answers, the project's one answer parser."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from synrl.answers import (
    MAX_ANSWER_CHARS,
    approximate_token_count,
    box_iou,
    canonical_item,
    canonical_list,
    extract_answer,
    interval_iou,
    lists_match,
    normalize_text,
    numbers_match,
    parse_box,
    parse_boxes,
    parse_choice,
    parse_interval,
    parse_number,
    parse_yes_no,
    split_list,
)

OPTIONS = {
    "A": "Clockwise",
    "B": "Counter-clockwise",
    "C": "10 of Diamonds, 5 of Spades",
    "D": "3",
    "E": "A circle",
}

EXTRACT_CASES = [
    # the template
    ("<think>hm</think><answer>B</answer>", False, "B"),
    # whitespace inside the block is stripped
    ("<think>hm</think><answer>\n  B \n</answer>", False, "B"),
    # tags quoted while thinking: the last complete block wins
    ("<think>say <answer>A</answer></think><answer>B</answer>", False, "B"),
    # two answer blocks: still the last one
    ("<answer>A</answer><answer>C</answer>", False, "C"),
    # tags in another case are still tags
    ("<ANSWER>D</Answer>", False, "D"),
    # an unclosed answer block is no answer in strict mode
    ("<think>x</think><answer>B", False, None),
    # ...but lenient mode takes the truncated rest
    ("<think>x</think><answer>B", True, "B"),
    # no tags at all: strict gives nothing
    ("The answer is B.", False, None),
    # lenient: what follows the last "answer is" on its line
    ("I think A.\nSo the final answer is B.\nThanks", True, "B."),
    # lenient: "answer" without "is" or ":" is not a lead-in
    ("The answer depends on speed", True, "The answer depends on speed"),
    # lenient: the text after the last </think>
    ("<think>long</think>  C  ", True, "C"),
    # lenient: plain text is the answer
    ("yes", True, "yes"),
    # empty block
    ("<answer></answer>", False, ""),
    # empty input
    ("", True, None),
    # a closing tag before any opening one is ignored
    ("</answer>B<answer>C</answer>", False, "C"),
]


@pytest.mark.parametrize(("completion", "lenient", "expected"), EXTRACT_CASES)
def test_extract_answer(completion: str, lenient: bool, expected: str | None) -> None:
    assert extract_answer(completion, lenient=lenient) == expected


NORMALIZE_CASES = [
    # case, trailing punctuation
    ("Counter-clockwise.", "counter-clockwise"),
    # unicode en dash becomes a hyphen
    ("Counter\u2013clockwise", "counter-clockwise"),
    # commas between words go, spaces collapse
    ("10 of  Diamonds, 5 of Spades", "10 of diamonds 5 of spades"),
    # a leading minus sign survives
    ("-3", "-3"),
    # a unicode minus is a minus
    ("\u22123", "-3"),
    # paths keep their slashes and dots
    ("/src/a.py", "/src/a.py"),
    # full-width characters are NFKC-folded
    ("\uff21\uff22", "ab"),
    # nothing left
    ("  ?! ", ""),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_CASES)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


CHOICE_CASES = [
    # bare letter
    ("B", "B"),
    # lower-case letter
    ("b", "B"),
    # parenthesised
    ("(B)", "B"),
    # bracketed
    ("[B]", "B"),
    # trailing period
    ("B.", "B"),
    # letter and text
    ("B) Counter-clockwise", "B"),
    # letter, period, text
    ("B. Counter-clockwise", "B"),
    # parenthesised letter then text
    ("(B) Counter-clockwise", "B"),
    # letter followed by free text that is no option: the letter stands
    ("B. it spins to the left", "B"),
    # "Answer: B"
    ("Answer: B", "B"),
    # a sentence
    ("The answer is B.", "B"),
    # "The correct option is (B)"
    ("The correct option is (B)", "B"),
    # "Option B"
    ("Option B", "B"),
    # markdown bold
    ("**B**", "B"),
    # the option's text alone
    ("Counter-clockwise", "B"),
    # the option's text, other case and punctuation
    ("counter-clockwise.", "B"),
    # the option's text as a list in other words
    ("10D, 5S", "C"),
    # a number option named by value
    ("3 times", "D"),
    # letter without delimiter but followed by its own text
    ("E A circle", "E"),
    # several different letters: ambiguous, no letter
    ("A or B", None),
    # several letters with commas
    ("A, C", None),
    # several bracketed letters
    ("(A) (B)", None),
    # the same letter twice is one letter
    ("B, B", "B"),
    # a letter contradicted by another option's text
    ("B. Clockwise", None),
    # an article is not a letter
    ("A circle", "E"),
    # a pronoun is not an option letter
    ("I", None),
    # words that are not options
    ("It spins", None),
    # empty
    ("", None),
    # over-long answers are not parsed
    ("B" + " " * MAX_ANSWER_CHARS, None),
]


@pytest.mark.parametrize(("text", "expected"), CHOICE_CASES)
def test_parse_choice(text: str, expected: str | None) -> None:
    assert parse_choice(text, OPTIONS) == expected


def test_parse_choice_without_options_reads_letters_only() -> None:
    # no options: letters still parse, texts cannot
    assert (parse_choice("(C)"), parse_choice("Clockwise")) == ("C", None)


NUMBER_CASES = [
    # integer
    ("3", 3.0),
    # decimal with sign
    ("-2.5", -2.5),
    # unit word stripped
    ("3 times", 3.0),
    # unit symbol stripped
    ("45\u00b0", 45.0),
    # percent sign stripped
    ("50%", 50.0),
    # currency stripped
    ("$5", 5.0),
    # seconds
    ("12.5 seconds", 12.5),
    # thousands separator
    ("1,234", 1234.0),
    # two thousands separators
    ("1,234,567", 1234567.0),
    # fraction
    ("3/4", 0.75),
    # mixed number
    ("1 1/2", 1.5),
    # exponent
    ("1e3", 1000.0),
    # number word
    ("three", 3.0),
    # capitalised number word with a unit
    ("Three times.", 3.0),
    # hyphenated compound
    ("twenty-one", 21.0),
    # compound with hundred and "and"
    ("one hundred and five", 105.0),
    # thousands in words
    ("two thousand three hundred", 2300.0),
    # "twice"
    ("twice", 2.0),
    # zero
    ("zero", 0.0),
    # lead-in phrase
    ("Answer: 7", 7.0),
    # digits and the same value in words
    ("3 (three)", 3.0),
    # ordinal suffix
    ("3rd", 3.0),
    # two different numbers: ambiguous
    ("3 or 4", None),
    # an equation: ambiguous
    ("2 + 3 = 5", None),
    # a range: ambiguous
    ("3-5", None),
    # a comma between small numbers is a list, not a thousands separator
    ("3,4", None),
    # two number words in a row are two numbers
    ("three four", None),
    # number words separated by a comma
    ("three, four", None),
    # division by zero
    ("1/0", None),
    # overflow
    ("1e999", None),
    # no number
    ("many", None),
    # empty
    ("", None),
    # a number glued after letters is not read
    ("x2", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CASES)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


NUMBERS_MATCH_CASES = [
    # exact integer
    (3.0, 3, None, True),
    # integer off by one
    (4.0, 3, None, False),
    # float representation noise
    (0.1 + 0.2, 0.3, None, True),
    # float differing in the third decimal
    (2.51, 2.5, None, False),
    # inside an absolute tolerance
    (2.6, 2.5, 0.1, True),
    # outside the tolerance
    (2.7, 2.5, 0.1, False),
    # nothing parsed
    (None, 3, None, False),
    # infinity never matches
    (float("inf"), 3, None, False),
]


@pytest.mark.parametrize(("predicted", "target", "tolerance", "expected"), NUMBERS_MATCH_CASES)
def test_numbers_match(predicted: float | None, target: float, tolerance: float | None, expected: bool) -> None:
    assert numbers_match(predicted, target, tolerance) is expected


YES_NO_CASES = [
    # plain
    ("yes", "yes"),
    # capitalised with punctuation
    ("No.", "no"),
    # first word decides
    ("Yes, README.md was deleted", "yes"),
    # "not" is not "no"
    ("No, it was not deleted", "no"),
    # synonyms
    ("True", "yes"),
    # negative synonym
    ("Incorrect", "no"),
    # a lone yes at the end
    ("It was deleted, so yes.", "yes"),
    # both: ambiguous
    ("Yes and no", None),
    # both, no first-word synonym
    ("maybe yes, maybe no", None),
    # negation without a yes/no word
    ("It is not true", None),
    # neither
    ("maybe", None),
    # lead-in phrase
    ("Answer: no", "no"),
    # empty
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO_CASES)
def test_parse_yes_no(text: str, expected: str | None) -> None:
    assert parse_yes_no(text) == expected


CANONICAL_LIST_CASES = [
    # commas
    ("down, left", True, ["down", "left"]),
    # "then" and capitals
    ("Down, then Left.", True, ["down", "left"]),
    # arrows
    ("down -> left \u2192 up", True, ["down", "left", "up"]),
    # semicolons and "and"
    ("red; green and blue", True, ["red", "green", "blue"]),
    # newline-numbered list
    ("1. down\n2. left", True, ["down", "left"]),
    # bulleted list
    ("- down\n- left", True, ["down", "left"]),
    # brackets and quotes
    ("['down', 'left']", True, ["down", "left"]),
    # card names to codes
    ("10 of Diamonds, 5 of Spades", True, ["10D", "5S"]),
    # card symbols and face cards
    ("10\u2666, queen of hearts, A\u2660", True, ["10D", "QH", "AS"]),
    # card codes are fixed points
    ("10C, 5S", True, ["10C", "5S"]),
    # paths keep case, lose a trailing slash
    ("/src/README.md, /src/lib/", True, ["/src/README.md", "/src/lib"]),
    # unordered lists are sorted
    ("left, down", False, ["down", "left"]),
    # empty items dropped
    ("down,, ,left", True, ["down", "left"]),
    # leading "the" and "first" dropped
    ("first the red circle, then the blue square", True, ["red circle", "blue square"]),
    # nothing
    ("", True, []),
]


@pytest.mark.parametrize(("text", "ordered", "expected"), CANONICAL_LIST_CASES)
def test_canonical_list_from_text(text: str, ordered: bool, expected: list[str]) -> None:
    assert canonical_list(text, ordered) == expected


CANONICAL_SEQUENCE_CASES = [
    # generator lists of directions are fixed points
    (["down", "left"], True, ["down", "left"]),
    # card codes are fixed points
    (["10C", "5S"], True, ["10C", "5S"]),
    # paths are fixed points
    (["/src/a.py", "/src/b.py"], True, ["/src/a.py", "/src/b.py"]),
    # items are not split further
    (["red and blue"], True, ["red and blue"]),
    # integral floats print as integers
    ([5.0, 10], True, ["5", "10"]),
    # unordered: sorted
    (["b", "a", "b"], False, ["a", "b", "b"]),
]


@pytest.mark.parametrize(("items", "ordered", "expected"), CANONICAL_SEQUENCE_CASES)
def test_canonical_list_from_items(items: list[object], ordered: bool, expected: list[str]) -> None:
    assert canonical_list(items, ordered) == expected


CANONICAL_ITEM_CASES = [
    # ace as a word
    ("Ace of Clubs", "AC"),
    # lower-case code
    ("kh", "KH"),
    # rank word
    ("ten of hearts", "10H"),
    # quoted word
    ('"Left"', "left"),
    # root path stays
    ("/", "/"),
    # home path keeps case
    ("~/Docs", "~/Docs"),
    # inner whitespace collapses
    ("red   circle", "red circle"),
    # punctuation only
    ("...", ""),
]


@pytest.mark.parametrize(("item", "expected"), CANONICAL_ITEM_CASES)
def test_canonical_item(item: str, expected: str) -> None:
    assert canonical_item(item) == expected


LISTS_MATCH_CASES = [
    # same order
    ("down, left", ["down", "left"], True, True),
    # wrong order, ordered
    ("left, down", ["down", "left"], True, False),
    # wrong order, unordered
    ("left, down", ["down", "left"], False, True),
    # multiset: a duplicate matters
    ("down, down, left", ["down", "left"], False, False),
    # a missing item
    ("down", ["down", "left"], True, False),
    # cards in words against codes
    ("10 of Clubs and 5 of Spades", ["10C", "5S"], True, True),
    # an empty answer never matches
    ("", [], True, False),
]


@pytest.mark.parametrize(("text", "target", "ordered", "expected"), LISTS_MATCH_CASES)
def test_lists_match(text: str, target: list[str], ordered: bool, expected: bool) -> None:
    assert lists_match(text, target, ordered) is expected


def test_split_list_keeps_raw_items() -> None:
    # split only; canonicalisation is separate
    assert [s.strip() for s in split_list("[Down, Left]")] == ["Down", "Left"]


INTERVAL_CASES = [
    # "to"
    ("3.2 to 7.5", (3.2, 7.5)),
    # hyphen and unit
    ("3.2 - 7.5 seconds", (3.2, 7.5)),
    # en dash
    ("3.2 \u2013 7.5", (3.2, 7.5)),
    # JSON-ish list
    ("[3.2, 7.5]", (3.2, 7.5)),
    # mm:ss with hyphen
    ("00:03-00:07", (3.0, 7.0)),
    # hh:mm:ss with fractions
    ("01:02:03.5 - 01:02:09", (3723.5, 3729.0)),
    # seconds with "s" and a full stop
    ("from 3.2s to 7.5s.", (3.2, 7.5)),
    # "between ... and ..."
    ("between 3.2 and 7.5", (3.2, 7.5)),
    # minutes unit given once applies to both ends
    ("1 to 2 minutes", (60.0, 120.0)),
    # milliseconds
    ("3200ms to 7500ms", (3.2, 7.5)),
    # mixed clock and seconds
    ("00:03 to 7.5s", (3.0, 7.5)),
    # lead-in phrase
    ("Answer: 3 to 7", (3.0, 7.0)),
    # reversed
    ("7.5 to 3.2", None),
    # clock seconds >= 60
    ("00:75-01:00", None),
    # one time only
    ("3.2", None),
    # three times
    ("1 to 2 to 3", None),
    # empty
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), INTERVAL_CASES)
def test_parse_interval(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_interval(text) == expected


INTERVAL_IOU_CASES = [
    # identical
    ((3.0, 7.0), (3.0, 7.0), 1.0),
    # half overlap: [4, 6] over [2, 8] -> 2 / 6
    ((2.0, 6.0), (4.0, 8.0), 2.0 / 6.0),
    # contained: 2 / 4
    ((3.0, 5.0), (2.0, 6.0), 0.5),
    # disjoint
    ((0.0, 1.0), (2.0, 3.0), 0.0),
    # touching
    ((0.0, 1.0), (1.0, 2.0), 0.0),
    # the same point: no extent to overlap, 0 as ReXTime's and lmms-eval's scorers
    # (ReXTime val has two point segments)
    ((2.0, 2.0), (2.0, 2.0), 0.0),
    # a point inside an interval
    ((2.0, 2.0), (1.0, 3.0), 0.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), INTERVAL_IOU_CASES)
def test_interval_iou(a: tuple[float, float], b: tuple[float, float], expected: float) -> None:
    assert interval_iou(a, b) == pytest.approx(expected)


BOX_CASES = [
    # list form
    ("[10, 20, 110, 220]", [(10.0, 20.0, 110.0, 220.0)]),
    # two corners
    ("(10,20),(110,220)", [(10.0, 20.0, 110.0, 220.0)]),
    # named coordinates
    ("x1=10, y1=20, x2=110, y2=220", [(10.0, 20.0, 110.0, 220.0)]),
    # pixel units
    ("10px 20px 30px 40px", [(10.0, 20.0, 30.0, 40.0)]),
    # normalised floats
    ("[0.1, 0.2, 0.5, 0.6]", [(0.1, 0.2, 0.5, 0.6)]),
    # two boxes (tracking)
    ("[0,0,10,10] [5,5,15,15]", [(0.0, 0.0, 10.0, 10.0), (5.0, 5.0, 15.0, 15.0)]),
    # not a multiple of four
    ("1 2 3", None),
    # no numbers
    ("left", None),
]


@pytest.mark.parametrize(("text", "expected"), BOX_CASES)
def test_parse_boxes(text: str, expected: list[tuple[float, ...]] | None) -> None:
    assert parse_boxes(text) == expected


def test_parse_box_needs_exactly_one_box() -> None:
    # one box parses; two boxes are not "the" box
    assert (parse_box("[1, 2, 3, 4]"), parse_box("[1,2,3,4] [5,6,7,8]")) == ((1.0, 2.0, 3.0, 4.0), None)


BOX_IOU_CASES = [
    # identical
    ((0, 0, 10, 10), (0, 0, 10, 10), 1.0),
    # quarter overlap: 25 / (100 + 100 - 25)
    ((0, 0, 10, 10), (5, 5, 15, 15), 25 / 175),
    # contained: 25 / 100
    ((0, 0, 10, 10), (0, 0, 5, 5), 0.25),
    # disjoint
    ((0, 0, 1, 1), (2, 2, 3, 3), 0.0),
    # reversed corners: no area
    ((10, 10, 0, 0), (0, 0, 10, 10), 0.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), BOX_IOU_CASES)
def test_box_iou(a: tuple[float, ...], b: tuple[float, ...], expected: float) -> None:
    assert box_iou(a, b) == pytest.approx(expected)


TOKEN_COUNT_CASES = [
    # words and punctuation
    ("Hello, world!", 4),
    # tags count as punctuation plus a word
    ("<think>", 3),
    # empty
    ("", 0),
]


@pytest.mark.parametrize(("text", "expected"), TOKEN_COUNT_CASES)
def test_approximate_token_count(text: str, expected: int) -> None:
    assert approximate_token_count(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8), st.booleans())
# Found by random search: removing one layer exposed another (":" after "<." went, a path
# that loses its slash, whitespace that str.split() knows and str.strip(" ") does not).
@example([":<."], False)
@example([":\x1f["], False)
@example(["./"], True)
def test_canonical_list_is_idempotent(items: list[str], ordered: bool) -> None:
    once = canonical_list(items, ordered)
    assert canonical_list(once, ordered) == once


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_parsers_return_their_types(text: str) -> None:
    choice = parse_choice(text, OPTIONS)
    number = parse_number(text)
    interval = parse_interval(text)
    assert choice is None or choice in "ABCDEFGH"
    assert number is None or isinstance(number, float)
    assert interval is None or interval[0] <= interval[1]
    assert parse_yes_no(text) in (None, "yes", "no")
    assert all(isinstance(item, str) and item for item in canonical_list(text))
    swapped = parse_interval(text, reversed_ends="swap")
    assert swapped is None or swapped[0] <= swapped[1]
    assert interval is None or swapped == interval  # swapping only adds answers
    # options whose texts are letters themselves (MVBench character_order)
    assert parse_choice(text, {"A": "a", "B": "c", "C": "b"}) in (None, "A", "B", "C", "D", "E", "F", "G", "H")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "It is ", "The answer is ", "I choose "]), st.sampled_from("ABCD"),
       st.sampled_from([", since ", "; because ", " ✓", ".", ""]), st.text(max_size=40))
def test_letter_then_reason_is_that_letter(lead: str, letter: str, joint: str, tail: str) -> None:
    # A letter at the start followed by a reason, whatever the reason says, unless it hedges.
    text = lead + letter + joint + (tail if joint.startswith((",", ";")) else "")
    choice = parse_choice(text)
    if joint.startswith((",", ";")) and any(w in tail.casefold().split() for w in ("or", "maybe", "perhaps",
                                                                                  "possibly", "but")):
        assert choice in (None, letter)
    else:
        assert choice in (letter, None)
        if not joint.startswith((",", ";")):
            assert choice == letter


def test_swapping_must_be_asked_for_by_name() -> None:
    with pytest.raises(ValueError, match="reversed_ends"):
        parse_interval("3 to 2", reversed_ends="flip")


ADVERSARIAL_INPUTS = [
    # a long run of spaces between a letter and nothing
    "B" + " " * (MAX_ANSWER_CHARS - 2),
    # digits and colons
    "1:" * (MAX_ANSWER_CHARS // 2),
    # digits separated by dots
    "1." * (MAX_ANSWER_CHARS // 2),
    # thousands-separator look-alikes
    "1,000" * (MAX_ANSWER_CHARS // 5),
    # many tiny list items
    "a," * (MAX_ANSWER_CHARS // 2),
    # a long run of one digit
    "9" * MAX_ANSWER_CHARS,
    # spaces between digits
    "1 " * (MAX_ANSWER_CHARS // 2),
    # number words
    "one " * (MAX_ANSWER_CHARS // 4),
]


@pytest.mark.parametrize("text", ADVERSARIAL_INPUTS)
def test_parsers_stay_fast_on_adversarial_input(text: str) -> None:
    start = time.perf_counter()
    parse_choice(text, OPTIONS)
    parse_number(text)
    parse_interval(text)
    parse_yes_no(text)
    canonical_list(text)
    parse_boxes(text)
    # linear work on a 4 KiB answer is well under 50 ms even on a loaded machine
    assert time.perf_counter() - start < 0.25


def test_extraction_is_linear_on_huge_completions() -> None:
    huge = "<answer>" * 200_000 + "x" * 1_000_000 + "</answer>"
    start = time.perf_counter()
    assert extract_answer(huge) == "x" * 1_000_000
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------------------ the policy table
# docs/answers.md's table of accepted and rejected forms is the specification: every row is
# one test case, read from the markdown itself so the two cannot drift apart.

_DOC = Path(__file__).resolve().parents[1] / "docs" / "answers.md"
_POLICY_OPTIONS = {"A": "Clockwise", "B": "Counter-clockwise", "C": "No rotation", "D": "3"}


def _policy_rows() -> list[tuple[str, str, str, str, str]]:
    text = _DOC.read_text(encoding="utf-8")
    table = text.split("<!-- policy-table:start -->", 1)[1].split("<!-- policy-table:end -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:  # after the header and its rule
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        parser, raw, context, result, rule = cells
        rows.append((parser, raw.strip("`"), context.strip("`"), result, rule))
    return rows


def _policy_value(parser: str, text: str, context: str) -> str:
    if parser == "choice":
        options = _POLICY_OPTIONS
        if context:
            options = dict(pair.strip().split("=", 1) for pair in context.split(";"))
        return parse_choice(text, options) or "none"
    if parser == "number":
        value = parse_number(text)
        return "none" if value is None else f"{value:g}"
    if parser == "match":
        return "match" if numbers_match(parse_number(text), float(context)) else "no match"
    if parser == "yes_no":
        return parse_yes_no(text) or "none"
    if parser == "interval":
        interval = parse_interval(text, context or "reject")
        return "none" if interval is None else f"({interval[0]!r}, {interval[1]!r})"
    if parser == "extract":
        return extract_answer(text, lenient=context == "lenient") or "none"
    raise AssertionError(f"unknown parser {parser!r} in docs/answers.md")


_POLICY = _policy_rows()


def test_policy_table_is_read():
    assert len(_POLICY) >= 60
    assert {row[0] for row in _POLICY} == {"choice", "number", "match", "yes_no", "interval", "extract"}


@pytest.mark.parametrize(("parser", "text", "context", "result", "rule"), _POLICY,
                         ids=[f"{row[0]}:{row[1]}:{row[2]}" for row in _POLICY])
def test_policy_table(parser: str, text: str, context: str, result: str, rule: str) -> None:
    assert _policy_value(parser, text, context) == result, rule
