"""The one answer parser and normaliser of synrl.

The generator writes canonical answers with these functions, and the CoT checker, the
rewards and the evaluation parse model text with them, so a reward and a metric can never
disagree about what an answer says.

Every parser is a pure function over a string that returns ``None`` when the text does not
say one clear answer; none of them raises on any string, evaluates text as code, or does
more than linear work: answer texts longer than :data:`MAX_ANSWER_CHARS` are rejected
before any regular expression sees them, and the expressions have no nested or adjacent
ambiguous quantifiers.

Rules worth knowing (``docs/answers.md`` is the policy, with the table of accepted and
rejected forms the tests enforce):

* :func:`extract_answer` takes the *last* complete ``<answer>...</answer>`` block.
* :func:`parse_choice`: a text naming two or more different letters ("A or B", "B, C")
  is ambiguous and parses to ``None``; so does "B. <text of option C>". A letter counts
  only where an answer stands (alone, or at the start: "B.", "(B) text", "It is B",
  "B, since ..."), never inside prose ("Plan B is risky").
* :func:`parse_number`: a text holding two or more different numbers ("3 or 4",
  "2 + 3 = 5") is ambiguous and parses to ``None``; "1k" is 1000.
* :func:`numbers_match`: non-integer targets match within a relative 0.1%.
* :func:`parse_yes_no`: a text saying both "yes" and "no" parses to ``None``.
* :func:`parse_interval`: a reversed interval is rejected unless asked to swap it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "MAX_ANSWER_CHARS",
    "DEFAULT_RELATIVE_TOLERANCE",
    "MAX_ITEMS",
    "REVERSED_POLICIES",
    "Box",
    "Interval",
    "approximate_token_count",
    "box_iou",
    "canonical_item",
    "canonical_list",
    "extract_answer",
    "interval_iou",
    "lists_match",
    "normalize_text",
    "numbers_match",
    "parse_box",
    "parse_boxes",
    "parse_choice",
    "parse_interval",
    "parse_number",
    "parse_yes_no",
    "split_list",
]

#: Answer texts longer than this are not parsed at all (the parsers return ``None``).
#: Real answers are a letter, a number or a short list; a longer "answer" is a model
#: rambling, and rejecting it keeps every parser's work bounded.
MAX_ANSWER_CHARS = 4096

#: At most this many list items or boxes are read from one answer.
MAX_ITEMS = 512

Interval = tuple[float, float]
Box = tuple[float, float, float, float]

# ---------------------------------------------------------------------------- text

# Unicode has a dozen dashes and minus signs; models emit all of them.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-") | {
    ord("\u2044"): "/"  # the fraction slash NFKC leaves in "1⁄2"
}
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)

# A word with its inner punctuation ("counter-clockwise", "a.py", "don't", "3.5", "/src/a.py").
# Each repetition must consume one separator character, so matching stays linear.
_WORD = re.compile(r"(?:[-+](?=\d)|/)?\w+(?:[./'+:-]\w+)*/?")


def _unify(text: str) -> str:
    """NFKC plus one spelling of dashes and quotes; keeps case."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)


def normalize_text(text: str) -> str:
    """Lower-case words of ``text`` joined by single spaces.

    NFKC-normalised and case-folded, unicode dashes unified, punctuation between words
    dropped but kept inside a word ("counter-clockwise", "a.py", "-3", "3.5", "/src"), so
    "Counter-clockwise." and "counter-clockwise" compare equal, and "-3" differs from "3".
    """
    if not isinstance(text, str):
        return ""
    return " ".join(_WORD.findall(_unify(text).casefold()))


# ------------------------------------------------------------------------- extraction

_ANSWER_TAG = re.compile(r"<(/?)answer>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
# "The final answer is: B", "Answer: 3"; only used on tag-less text in lenient mode.
_ANSWER_LEAD_ANYWHERE = re.compile(r"\banswer\s?(?:is\b\s?:?|:)", re.IGNORECASE)


def extract_answer(completion: str, *, lenient: bool = False) -> str | None:
    """The answer a completion gives, or ``None``.

    Strict (the default, used by rewards): the stripped content of the *last* complete
    ``<answer>...</answer>`` block (tags matched case-insensitively). The last block wins
    because a model may quote the tags while thinking; hedging with several blocks does not
    pay, since only one is read.

    Lenient (for evaluating models that ignore the template), tried in order when there is
    no complete block: the text after an unclosed ``<answer>`` (a truncated generation);
    otherwise the text after the last ``</think>`` (or all of it), narrowed to what follows
    the last "answer is" / "answer:" phrase on its line when there is one.
    """
    if not isinstance(completion, str):
        return None
    last_open_end = -1
    block: tuple[int, int] | None = None
    for tag in _ANSWER_TAG.finditer(completion):
        if tag.group(1):
            if last_open_end >= 0:
                block = (last_open_end, tag.start())
                last_open_end = -1
        else:
            last_open_end = tag.end()
    if block is not None:
        return completion[block[0] : block[1]].strip()
    if not lenient:
        return None
    if last_open_end >= 0:
        rest = completion[last_open_end:].strip()
        return rest or None
    tail_start = 0
    for close in _THINK_CLOSE.finditer(completion):
        tail_start = close.end()
    tail = completion[tail_start:]
    lead_end = -1
    for lead in _ANSWER_LEAD_ANYWHERE.finditer(tail):
        lead_end = lead.end()
    if lead_end >= 0:
        line = tail[lead_end:].split("\n", 1)[0].strip()
        if line:
            return line
    tail = tail.strip()
    return tail or None


def _answer_text(text: object) -> str | None:
    """``text`` unified and stripped, or ``None`` when it is not a parseable answer."""
    if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS:
        return None
    text = _unify(text).strip()
    return text or None


# "Answer: B", "The correct option is (B)", "Final answer - 3". Anchored, so one pass.
_LEAD = re.compile(
    r"^(?:(?:the\s+|my\s+)?(?:final\s+|correct\s+|right\s+|best\s+)?(?:answer|option|choice)\b(?:\s+is\b)?"
    r"|(?:i\s+think\s+|i\s+believe\s+|so\s+)?(?:it\s+is|it's|it\s+must\s+be|that\s+is|that's)\b"
    r"|i\s+(?:choose|pick|select|go\s+with)\b)"
    r"\s*[:\-]?\s*",
    re.IGNORECASE,
)
_DECORATION = str.maketrans("", "", "*`")


def _strip_lead(text: str) -> str:
    return _LEAD.sub("", text, count=1).strip()


def _strip_marks(text: str) -> str:
    """``text`` without trailing symbols ("B ✓", "B ✅", "3 👍"): a mark adds no answer."""
    end = len(text)
    while end and (text[end - 1].isspace() or unicodedata.category(text[end - 1])[0] == "S"
                   and text[end - 1] not in "%$°"):
        end -= 1
    return text[:end]


# ---------------------------------------------------------------------- multiple choice

DEFAULT_LETTERS = frozenset("ABCDEFGH")
_LETTER_SEPARATORS = re.compile(r"\b(?:or|and)\b|[,;/&]", re.IGNORECASE)
_LETTER_TOKEN = re.compile(r"[(\[]?([A-Za-z])[)\]]?[.:]?")
_LETTER_PREFIX = re.compile(r"(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z])\s*[.:)\-])\s*(.*)", re.DOTALL)
# "B, since ...", "B; because ...", "B - as the ball ...": an upper-case letter, a comma or
# semicolon, then a reason. Only a capital letter: "a, b and c" is prose.
_LETTER_REASON = re.compile(r"([A-Z])\s*[,;]\s*(.*)", re.DOTALL)
_REASON_WORDS = re.compile(
    r"(?:since|because|as|given|for|so|which|that|this|it|it's|the|due|thus|hence|therefore)\b", re.IGNORECASE
)
# A hedge naming another letter ("B, or maybe C", "B, but C is possible") is not one answer.
_HEDGE = re.compile(r"\b(?:or|maybe|perhaps|possibly|but)\b", re.IGNORECASE)
_STANDALONE_LETTER = re.compile(r"(?<![\w'])[(\[]?([A-Z])[)\]]?(?![\w'])")
_BARE_PREFIX = re.compile(r"([A-Z])\s+(.+)", re.DOTALL)


def _option_match(text: str, options: Mapping[str, str]) -> set[str]:
    """Letters whose option text says the same as ``text``."""
    norm = normalize_text(text)
    if not norm:
        return set()
    exact = {letter for letter, option in options.items() if normalize_text(option) == norm}
    if exact:
        return exact
    # "10D, 5S" for the option "10 of Diamonds, 5 of Spades": compare as lists.
    items = canonical_list(text)
    if len(items) < 2:
        return set()
    return {letter for letter, option in options.items() if canonical_list(option) == items}


def _clean_options(options: Mapping[str, object] | None) -> dict[str, str]:
    if not isinstance(options, Mapping):
        return {}
    return {
        str(letter).strip().upper(): str(text)
        for letter, text in options.items()
        if text is not None and isinstance(letter, str) and len(letter.strip()) == 1
    }


def parse_choice(text: str, options: Mapping[str, str] | None = None) -> str | None:
    """The option letter an answer text picks, upper-case, or ``None``.

    Accepted: "B", "b", "(B)", "[B]", "B.", "B)", "**B**", "B. Clockwise", "B) text",
    "(B) text", "Answer: B", "The answer is B", "Option B", and, when ``options`` is
    given, the option's text alone ("Clockwise", matched after :func:`normalize_text`, or
    as a list: "10D, 5S" for "10 of Diamonds, 5 of Spades", or as a number: "3 times"
    for the option "3").

    Several letters: a text naming two or more *different* letters ("A or B", "A, C",
    "(A) (B)") is ambiguous and gives ``None``, which scores as wrong even if one of them is
    right; the same letter repeated counts once. A letter followed by another option's
    exact text ("B. <text of C>") contradicts itself and also gives ``None``; a letter
    followed by any other text keeps the letter. Letters are A-H plus the keys of
    ``options``.
    """
    s = _answer_text(text)
    if s is None:
        return None
    s = _strip_lead(_strip_marks(s.translate(_DECORATION)))
    opts = _clean_options(options)
    allowed = DEFAULT_LETTERS | opts.keys()

    prefix = _LETTER_PREFIX.fullmatch(s)
    if prefix and opts:
        # "(B) c" where option B's text is "c" (MVBench character_order): the letter and its
        # own text, not two letters.
        letter = (prefix.group(1) or prefix.group(2) or prefix.group(3)).upper()
        rest = prefix.group(4).strip()
        if letter in opts and rest and letter in _option_match(rest, opts):
            return letter

    tokens = _LETTER_SEPARATORS.sub(" ", s).split()
    if tokens and len(tokens) <= MAX_ITEMS:
        matches = [_LETTER_TOKEN.fullmatch(token) for token in tokens]
        if all(matches):
            letters = {m.group(1).upper() for m in matches if m is not None}
            if letters <= allowed:
                return letters.pop() if len(letters) == 1 else None

    if prefix:
        letter = (prefix.group(1) or prefix.group(2) or prefix.group(3)).upper()
        if letter in allowed:
            rest = prefix.group(4).strip()
            named = _option_match(rest, opts) if opts and rest else set()
            if named and letter not in named:
                return None
            return letter

    reason = _LETTER_REASON.fullmatch(s)
    if reason and reason.group(1) in allowed:
        letter, rest = reason.group(1), reason.group(2).strip()
        others = {m.group(1) for m in _STANDALONE_LETTER.finditer(rest)} & allowed - {letter}
        named = _option_match(rest, opts) if opts and rest else set()
        hedged = bool(others) and _HEDGE.search(rest) is not None
        if not hedged and not (named and letter not in named) and (not others or _REASON_WORDS.match(rest)):
            return letter
        return None

    if opts:
        bare = _BARE_PREFIX.fullmatch(s)
        # "B Clockwise" is only a letter when the words are B's text: "A circle" is not "A".
        if bare and bare.group(1) in _option_match(bare.group(2), opts):
            return bare.group(1)
        named = _option_match(s, opts)
        if not named:
            value = parse_number(s)
            if value is not None:
                named = {letter for letter, option in opts.items() if parse_number(option) == value}
        if len(named) == 1:
            return named.pop()
    return None


# ------------------------------------------------------------------------------ numbers

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "once": 1, "twice": 2, "thrice": 3,
}  # fmt: skip
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = _UNITS_WORDS.keys() | _TENS_WORDS.keys() | _SCALE_WORDS.keys()

# One token per match: a fraction, a mixed number, a decimal with optional thousands
# separators and exponent, or a word. The alternatives start differently or are tried in a
# fixed order over a bounded text, so there is no catastrophic backtracking.
_NUMBER_TOKEN = re.compile(
    r"(?P<mixed>(?<![\w.])[-+]?\d+\s+\d+\s*/\s*\d+(?![\w.]))"
    r"|(?P<fraction>(?<![\w.])[-+]?\d+\s*/\s*\d+(?![\w./]))"
    r"|(?P<decimal>(?<![\w.])[-+]?(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?"
    r"(?P<thousands>k(?![^\W\d_]))?)"
    r"|(?P<word>[^\W\d_]+)"
)
# Only spaces and hyphens may join number words ("twenty-one", "one hundred and five").
_WORD_JOINER = re.compile(r"[\s-]*")


def _word_numbers(words: list[str]) -> list[float]:
    """Values of a run of adjacent number words; "three four" is two numbers, 3 and 4."""
    values: list[float] = []
    total = current = 0
    last = ""  # kind of the previous word: "", "unit", "tens", "hundred" or "scale"

    def push() -> None:
        nonlocal total, current
        values.append(float(total + current))
        total = current = 0

    for word in words:
        if word == "and":
            continue
        if word in _UNITS_WORDS:
            # A unit may follow a tens word ("twenty one") but not another unit or a teen.
            if last == "unit" or (last == "tens" and _UNITS_WORDS[word] >= 10):
                push()
            current += _UNITS_WORDS[word]
            last = "unit"
        elif word in _TENS_WORDS:
            if last in ("unit", "tens"):
                push()
            current += _TENS_WORDS[word]
            last = "tens"
        elif word == "hundred":
            if last == "hundred":
                push()
            current = (current or 1) * 100
            last = "hundred"
        else:
            if last == "scale" and not current:
                push()
            total += (current or 1) * _SCALE_WORDS[word]
            current = 0
            last = "scale"
    if last:
        push()
    return values


def _decimal_value(token: str) -> float | None:
    try:
        value = float(token.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers_in(text: str) -> list[float]:
    """Every number a (bounded) text states, in order: digits, fractions and words."""
    values: list[float] = []
    words: list[str] = []
    words_end = 0

    def flush() -> None:
        while words and words[-1] == "and":
            words.pop()
        if words:
            values.extend(_word_numbers(words))
            words.clear()

    folded = text.casefold()
    for m in _NUMBER_TOKEN.finditer(folded):
        kind = m.lastgroup or ""
        token = m.group(kind) if kind else ""
        if kind == "thousands":
            kind, token = "decimal", m.group("decimal")
        if kind == "word":
            if token in _NUMBER_WORDS or (token == "and" and words):
                if words and not _WORD_JOINER.fullmatch(folded, words_end, m.start()):
                    flush()
                words.append(token)
                words_end = m.end()
            else:
                flush()
            continue
        flush()
        if kind == "decimal" and m.group("thousands"):
            # "1k" is a thousand, never 1 ("1 k" stays 1: a unit word, as in "1 km").
            value = _decimal_value(token[:-1])
            value = value * 1000.0 if value is not None else None
        elif kind == "decimal":
            value = _decimal_value(token)
        else:
            value = _fraction_value(token, mixed=kind == "mixed")
        if value is not None:
            values.append(value)
        if len(values) > MAX_ITEMS:
            break
    flush()
    return values


def _fraction_value(token: str, *, mixed: bool) -> float | None:
    sign = -1.0 if token.startswith("-") else 1.0
    body = token.lstrip("+-")
    whole = 0.0
    if mixed:
        whole_text, body = body.split(None, 1)
        whole = float(whole_text)
    num_text, den_text = body.split("/")
    numerator, denominator = float(num_text), float(den_text)
    if denominator == 0:
        return None
    value = sign * (whole + numerator / denominator)
    return value if math.isfinite(value) else None


def parse_number(text: str) -> float | None:
    """The one number an answer text states, or ``None``.

    Reads "3", "-2.5", "1,234", "3/4", "1 1/2", "1e3", "three", "twenty-one",
    "one hundred and five", "once", "twice"; unit words and symbols around it are ignored
    ("3 times", "12.5 seconds", "45°", "50%", "$5"). A text stating two or more different
    numbers ("3 or 4", "2 + 3 = 5", "3-5") is ambiguous and gives ``None``; the same number
    twice ("3 (three)") is fine.
    """
    s = _answer_text(text)
    if s is None:
        return None
    values = _numbers_in(_strip_lead(s))
    if not values:
        return None
    first = values[0]
    if any(v != first for v in values[1:]):
        return None
    return first + 0.0  # -0.0 -> 0.0


#: Without an explicit tolerance, a non-integer target matches a prediction within this
#: relative error: "3.14159" is a more precise statement of 3.14 (error 0.05%), "2.51" is
#: another value than 2.5 (0.4%). Integer targets (counts) must match exactly.
DEFAULT_RELATIVE_TOLERANCE = 1e-3


def numbers_match(predicted: float | None, target: float, tolerance: float | None = None) -> bool:
    """Whether ``predicted`` equals ``target`` within an absolute ``tolerance``.

    Without a tolerance, integers must match exactly and other floats up to a relative
    :data:`DEFAULT_RELATIVE_TOLERANCE` (so 0.1 + 0.2 == 0.3, "2.50" equals 2.5 and "3.14159"
    equals 3.14, but "2.51" does not equal 2.5).
    """
    if predicted is None or not math.isfinite(predicted) or not math.isfinite(target):
        return False
    if tolerance is None:
        tolerance = 0.0 if float(target).is_integer() else DEFAULT_RELATIVE_TOLERANCE * abs(target)
    return abs(predicted - target) <= tolerance + 1e-12 * max(1.0, abs(target))


# ------------------------------------------------------------------------------ yes / no

_YES = frozenset({"yes", "yeah", "yep", "true", "correct", "affirmative"})
_NO = frozenset({"no", "nope", "false", "incorrect", "negative"})
_ALPHA_WORD = re.compile(r"[^\W\d_]+")


def parse_yes_no(text: str) -> str | None:
    """Whether an answer text says "yes" or "no"; ``None`` when it says neither or both.

    The first word decides ("Yes, it was deleted"; "True"/"Correct" count as yes,
    "False"/"Incorrect" as no), else a lone "yes" or "no" anywhere ("It was deleted, so
    yes."). A text that says both "yes" and "no" ("Yes and no", "No... yes") is ambiguous
    and gives ``None``; "not" is not read as "no".
    """
    s = _answer_text(text)
    if s is None:
        return None
    words = _ALPHA_WORD.findall(_strip_lead(s).casefold())
    if not words:
        return None
    said: set[str] = set()
    if words[0] in _YES:
        said.add("yes")
    elif words[0] in _NO:
        said.add("no")
    said.update(w for w in words if w in ("yes", "no"))
    return said.pop() if len(said) == 1 else None


# --------------------------------------------------------------------------------- lists

# Arrows, commas, semicolons, newlines and the words "and"/"then" separate items.
# No surrounding \s* here: it would make splitting a long run of spaces quadratic; items
# are stripped afterwards instead.
_LIST_SEPARATORS = re.compile(
    r"-->|->|=>|[,;\n\u2192\u21d2\u2794\u27f6\u279c]|\bthen\b|\band\b", re.IGNORECASE
)
_ITEM_MARKER = re.compile(r"^(?:\d+[.)]\s+|[-*\u2022]\s+)")
_ITEM_CONNECTIVE = re.compile(r"^(?:and\s+|then\s+|first\s+|next\s+|finally\s+|lastly\s+|the\s+)+", re.IGNORECASE)
_WRAPPERS = "\"'`*[](){}<> \t"
_CARD = re.compile(
    r"(?P<rank>10|[2-9]|ace|a|jack|j|queen|q|king|k|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s*(?:of\s+)?"
    r"(?P<suit>clubs?|c|diamonds?|d|hearts?|h|spades?|s|[\u2663\u2667\u2666\u2662\u2665\u2661\u2660\u2664])",
    re.IGNORECASE,
)
_RANK_CODES = {
    "ace": "A", "a": "A", "jack": "J", "j": "J", "queen": "Q", "q": "Q", "king": "K", "k": "K",
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10",
}  # fmt: skip
_SUIT_CODES = {"\u2663": "C", "\u2667": "C", "\u2666": "D", "\u2662": "D", "\u2665": "H", "\u2661": "H", "\u2660": "S", "\u2664": "S"}


def canonical_item(item: str) -> str:
    """Canonical form of one list item ("" for nothing).

    Playing cards become rank+suit codes ("10 of Diamonds", "10♦", "10d" -> "10D"); paths
    (starting with "/", "./" or "~") keep their case and lose a trailing "/"; everything
    else is case-folded with single spaces. Quotes, brackets, list markers ("1.", "-"),
    leading "then"/"first"/"the" and trailing punctuation are dropped.
    """
    if not isinstance(item, str):
        item = str(item)
    s = _unify(item).strip()
    # Until nothing changes: removing one layer can expose another (":<." loses "." and "<",
    # and the ":" left over is trailing punctuation too), and canonical items must be fixed
    # points.
    previous = None
    while s != previous:
        previous = s
        s = _ITEM_MARKER.sub("", " ".join(s.split()).strip(_WRAPPERS))
        s = _ITEM_CONNECTIVE.sub("", s).strip(_WRAPPERS).rstrip(".,;:!?").strip(_WRAPPERS)
    if not s:
        return ""
    card = _CARD.fullmatch(s)
    if card:
        rank = card.group("rank").casefold()
        suit = card.group("suit")
        return _RANK_CODES.get(rank, rank) + _SUIT_CODES.get(suit, suit[0].upper())
    if s[0] in "/~" or s.startswith("./"):
        path = " ".join(s.split()).rstrip("/") or "/"
        # "./" without its slash is no path any more: canonicalise what is left.
        return path if path[0] in "/~" or path.startswith("./") else canonical_item(path)
    return " ".join(s.casefold().split())


def split_list(text: str) -> list[str]:
    """Raw items of a list written as text (not canonicalised).

    Splits on commas, semicolons, newlines, arrows ("->", "→", "=>") and the words "and"
    and "then"; a surrounding "[...]" or "(...)" is removed first.
    """
    s = text.strip()
    if len(s) >= 2 and s[0] + s[-1] in ("[]", "()"):
        s = s[1:-1]
    return _LIST_SEPARATORS.split(s, maxsplit=MAX_ITEMS)


def canonical_list(items: str | Iterable[object], ordered: bool = True) -> list[str]:
    """Canonical list of items, sorted when ``ordered`` is false.

    ``items`` is either text ("down, then left", "[10C, 5S]", "a -> b") split with
    :func:`split_list`, or a sequence whose elements are canonicalised one by one with
    :func:`canonical_item`. Empty items are dropped. Two answers are the same list exactly
    when their canonical lists are equal; an unordered list compares as a multiset.
    The generator writes list answers as ``canonical_list(raw, ordered)`` so that ground
    truths are fixed points of this function.
    """
    if isinstance(items, str):
        text = _answer_text(items)
        raw: Iterable[object] = split_list(text) if text is not None else []
    elif isinstance(items, Iterable):
        raw = items
    else:
        return []
    out: list[str] = []
    for item in raw:
        if isinstance(item, float) and item.is_integer():
            item = int(item)  # a ground truth 5.0 is the item "5"
        canonical = canonical_item(item if isinstance(item, str) else str(item))
        if canonical:
            out.append(canonical)
        if len(out) > MAX_ITEMS:
            break
    return sorted(out) if not ordered else out


def lists_match(predicted: str, target: str | Sequence[object], ordered: bool = True) -> bool:
    """Whether an answer text lists the same items as ``target`` (in order if ``ordered``)."""
    if _answer_text(predicted) is None:
        return False
    mine = canonical_list(predicted, ordered)
    return bool(mine) and mine == canonical_list(target, ordered)


# ----------------------------------------------------------------------------- intervals

_UNIT_SECONDS = {
    "ms": 0.001, "msec": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
}  # fmt: skip
_TIME_TOKEN = re.compile(
    r"(?<![\w.:])(?P<clock>\d+(?::\d+){1,2}(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(?P<unit>milliseconds?|msec|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|hr|h)(?![^\W\d_]))?"
    r"(?![\w:]|\.\d)",
    re.IGNORECASE,
)


def _clock_seconds(token: str) -> float | None:
    """Seconds of "ss", "mm:ss" or "hh:mm:ss" (with optional fraction), or ``None``."""
    parts = token.split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    if any(v >= 60 for v in values[1:]):
        return None
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds if math.isfinite(seconds) else None


#: What :func:`parse_interval` does with an interval whose end comes before its start.
REVERSED_POLICIES = ("reject", "swap")

# "(2.2 s long)", "(duration 2.2 s)": a remark after the interval, read only to check it.
_PARENTHESES = re.compile(r"\([^()]*\)")


def _times(text: str) -> list[float] | None:
    """Seconds of every time stated in ``text``, units shared as :func:`parse_interval` says."""
    found: list[tuple[float, str | None, bool]] = []
    for m in _TIME_TOKEN.finditer(text):
        clock = ":" in m.group("clock")
        value = _clock_seconds(m.group("clock"))
        if value is None:
            return None
        unit = m.group("unit")
        found.append((value, unit.casefold() if unit else None, clock))
        if len(found) > 8:  # no interval answer states this many times; bounds the work
            return None
    units = {u for _, u, _ in found[:2] if u is not None}
    shared = units.pop() if len(units) == 1 else None
    return [value * (1.0 if clock else _UNIT_SECONDS[unit or shared or "s"]) for value, unit, clock in found]


def _is_length(value: float, start: float, end: float) -> bool:
    """Whether a third number states the interval's length (to the precision it is written with)."""
    return abs(value - abs(end - start)) <= 0.05 + 1e-9


def parse_interval(text: str, reversed_ends: str = "reject") -> Interval | None:
    """``(start_s, end_s)`` of an interval answer, or ``None``.

    Reads "3.2 to 7.5", "3.2 - 7.5 seconds", "from 3.2s to 7.5s", "between 3.2 and 7.5",
    "[3.2, 7.5]", "00:03-00:07", "01:02:03.5 - 01:02:09", "1 to 2 minutes", "3200ms to
    7500ms". A unit written on only one end applies to both. Exactly two times must be
    stated; a third is accepted only when it is the interval's length ("from 1.2 s to 3.4 s
    (2.2 s long)", within 0.05 s) or sits in parentheses after two times. A clock value with
    60 or more minutes/seconds gives ``None``.

    ``reversed_ends`` decides an interval whose end comes before its start ("3.2 - 2.2"):
    ``"reject"`` (the default; ReXTime's and NExT-GQA's scorers give it no overlap) returns
    ``None``; ``"swap"`` (lmms-eval's Charades-STA parser) returns it with its ends swapped.
    """
    if reversed_ends not in REVERSED_POLICIES:
        raise ValueError(f"reversed_ends must be one of {', '.join(REVERSED_POLICIES)}, got {reversed_ends!r}")
    s = _answer_text(text)
    if s is None:
        return None
    body = _strip_lead(s)
    seconds = _times(body)
    if seconds is not None and len(seconds) > 2:
        outside = _times(_PARENTHESES.sub(" ", body))
        if outside is not None and len(outside) == 2:
            seconds = outside
        elif len(seconds) == 3 and _is_length(seconds[2], seconds[0], seconds[1]):
            seconds = seconds[:2]
    if seconds is None or len(seconds) != 2:
        return None
    start, end = seconds
    if end < start:
        if reversed_ends == "reject":
            return None
        start, end = end, start
    return (start, end)


def interval_iou(a: Interval, b: Interval) -> float:
    """Temporal IoU of two intervals in [0, 1].

    Two intervals with no extent together (the same point twice) give 0, as ReXTime's and
    lmms-eval's scorers do: a point names no span to overlap.
    """
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    if union <= 0:
        return 0.0
    return min(1.0, max(0.0, inter / union))


# --------------------------------------------------------------------------------- boxes

_COORD = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


def parse_boxes(text: str) -> list[Box] | None:
    """Boxes ``(x1, y1, x2, y2)`` in an answer, four numbers each, or ``None``.

    Reads "[10, 20, 110, 220]", "(10,20),(110,220)", "x1=10 y1=20 x2=110 y2=220" and
    several boxes in a row (one per frame for tracking). The count of numbers must be a
    positive multiple of four. Corners are kept as written; a box whose second corner is
    not below-right of the first has no area and scores IoU 0.
    """
    s = _answer_text(text)
    if s is None:
        return None
    coords: list[float] = []
    for m in _COORD.finditer(s):
        value = _decimal_value(m.group())
        if value is None:
            return None
        coords.append(value)
        if len(coords) > 4 * MAX_ITEMS:
            return None
    if not coords or len(coords) % 4:
        return None
    return [(coords[i], coords[i + 1], coords[i + 2], coords[i + 3]) for i in range(0, len(coords), 4)]


def parse_box(text: str) -> Box | None:
    """The single box in an answer (see :func:`parse_boxes`), or ``None``."""
    boxes = parse_boxes(text)
    return boxes[0] if boxes is not None and len(boxes) == 1 else None


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """IoU of two ``(x1, y1, x2, y2)`` boxes in [0, 1]; a box without area gives 0."""
    ax1, ay1, ax2, ay2 = (float(v) for v in a)
    bx1, by1, bx2, by2 = (float(v) for v in b)
    area_a = (ax2 - ax1) * (ay2 - ay1) if ax2 > ax1 and ay2 > ay1 else 0.0
    area_b = (bx2 - bx1) * (by2 - by1) if bx2 > bx1 and by2 > by1 else 0.0
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter_w = min(ax2, bx2) - max(ax1, bx1)
    inter_h = min(ay2, by2) - max(ay1, by1)
    inter = inter_w * inter_h if inter_w > 0 and inter_h > 0 else 0.0
    iou = inter / (area_a + area_b - inter)
    return min(1.0, max(0.0, iou)) if math.isfinite(iou) else 0.0


# -------------------------------------------------------------------------------- length

_TOKENISH = re.compile(r"\w+|[^\w\s]")


def approximate_token_count(text: str, limit: int | None = None) -> int:
    """Words plus punctuation marks in ``text``: a tokenizer-free stand-in for a token count.

    Used by the length bonus when the trainer does not pass token ids. BPE tokenizers give
    somewhat more tokens than this on English text (long words split), so a window tuned on
    real token counts should be used with real token counts. Counting stops at ``limit``
    when given, which bounds the work on huge texts.
    """
    if not isinstance(text, str):
        return 0
    # findall runs in C; the per-match Python loop is only needed to stop early in a
    # text too long to hold fewer than ``limit`` tokens of any sensible length.
    if limit is None or len(text) <= 16 * limit:
        count = len(_TOKENISH.findall(text))
        return count if limit is None else min(count, limit)
    count = 0
    for _ in _TOKENISH.finditer(text):
        count += 1
        if count >= limit:
            break
    return count
