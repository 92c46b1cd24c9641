"""Names of the source in the target: kept in Latin, transliterated, translated, or lost.

For every capitalised name word of the source (review.checks.meaning.source_names) we look in the
target of the same segment for its renderings: the word in Latin script, an Arabic
transliteration (a regex built from the word's consonants: Musk -> م + س/ص/ز/ث + ك/ق with any
long vowels, hamza forms, diacritics and proclitics around them), or its dictionary translation
(data/name_words.tsv). Per document this gives the rendering table of each name, from which:

- name_inconsistent: a name written in Latin in some segments and in Arabic in the majority (or
  the reverse), or spelled two ways in Arabic: the minority form is flagged, quoting the majority;
- name_translated: the dictionary meaning instead of the name (The Verge -> الحافة), or the Arabic
  article on a transliterated name that the document otherwise writes without it (الأنثروبيك);
- name_missing: a name of the source with no rendering at all in the target.

Speed: a regex per name word run over every target is minutes on 100,000 segments. Instead the
targets are cut into words once; every Arabic word and every name word get consonant keys (the
strong consonants, look-alike letters merged into one class, long vowels and proclitics left out),
the two sides are joined on (segment, key), and only the few distinct (name, word) pairs that meet
are checked against the name's transliteration regex. A word the regex accepts always has one of
the name's keys (see _word_keys), so the result is the same as matching every regex everywhere.
"""

from __future__ import annotations

import functools
import re

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.meaning import name_words, source_names
from review.checks.spans import find_spans
from review.normalize import match_key_expr
from review.schema import BEAD, DOC, SOURCE, TARGET

# --------------------------------------------------------------------------- transliteration regex
_MARKS = "\u064b-\u065f\u0670\u0640"  # harakat, superscript alef, tatweel
_ALEF = "اأإآٱ"
_CONSONANTS: list[tuple[str, str]] = [  # longest first
    ("sch", "ش"), ("tch", "(?:تش|ش)"), ("sh", "ش"), ("ch", "(?:تش|ش|ك)"), ("th", "[ثتذ]"), ("ph", "ف"),
    ("ck", "[كق]"), ("gh", "[غج]?"), ("kh", "خ"), ("qu", "[كق]و?"), ("wh", "و"), ("ng", "ن[غجك]?"),
    ("x", "[كق][سز]"), ("b", "[بپ]"), ("p", "[بپ]"), ("c", "[كسقص]"), ("d", "[دض]"), ("f", "ف"),
    ("g", "[جغكق]"), ("h", "[هح]?"), ("j", "ج"), ("k", "[كق]"), ("l", "ل"), ("m", "م"), ("n", "ن"),
    ("q", "[قك]"), ("r", "ر"), ("s", "[سصزث]"), ("t", "[تط]"), ("v", "[فڤ]"), ("w", "و?"), ("y", "ي?"),
    ("z", "[زس]"),
]
_PROCLITICS = "(?:[وف]?(?:[بلك]|ل?ل)?)"
_ARTICLE = "ال"
# Shorter words give too many chance matches with ordinary Arabic words.
MIN_CONSONANTS = 2


# Arabic letters that write each English vowel letter in transliterations (Musk -> ماسك,
# Greg -> جريج, Brockman -> بروكمان); a slot without vowels takes none.
_VOWEL_LETTERS = {"a": "اىيه", "e": "يا", "i": "يى", "o": "وا", "u": "واي", "y": "يى"}
_GLIDES = "ئؤء"


def _slot_letters(vowels: str, final: bool = False) -> str:
    letters = "".join(dict.fromkeys("".join(_VOWEL_LETTERS.get(v, "") for v in vowels)))
    if final and vowels:
        letters += "ةه"
    return letters


def _vowel_slot(vowels: str, final: bool = False) -> str:
    letters = _slot_letters(vowels, final)
    return f"[{letters}{_GLIDES}{_MARKS}]*" if letters else f"[{_MARKS}]*"


@functools.cache
def _parse(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]] | None:
    """(vowel slots, consonant parts (regex, optional)) of an English name word, or None when it
    has too few consonants. slots[0] holds the vowels before the first consonant, slots[k + 1]
    those after part k."""
    w = re.sub(r"[^a-z]", "", word.lower())
    w = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", w)  # doubled consonants are written once
    slots: list[str] = [""]
    parts: list[tuple[str, bool]] = []
    i = 0
    while i < len(w):
        if w[i] in "aeiou" or (w[i] == "y" and i > 0):
            slots[-1] += w[i]
            i += 1
            continue
        for latin, arabic in _CONSONANTS:
            if w.startswith(latin, i):
                optional = arabic.endswith("?")
                parts.append((arabic[:-1] if optional else arabic, optional))
                slots.append("")
                i += len(latin)
                break
        else:
            i += 1
    if sum(not opt for _, opt in parts) < MIN_CONSONANTS:
        return None
    return tuple(slots), tuple(parts)


@functools.cache
def translit_skeleton(word: str) -> str | None:
    """Regex (no boundaries) matching Arabic transliterations of an English name word, or None."""
    parsed = _parse(word)
    if parsed is None:
        return None
    slots, parts = parsed
    # A name that starts with a vowel starts with alef in Arabic (أوبن, إيلون), one that starts
    # with a consonant does not; vowel letters follow the English vowels (سام, not سيما or سوم).
    lead = f"[{_ALEF}]" + _vowel_slot(slots[0]) if slots[0] else f"[{_MARKS}]*"
    body = ""
    for k, (regex, optional) in enumerate(parts):
        vowel = _vowel_slot(slots[k + 1], final=k == len(parts) - 1)
        body += f"(?:{regex}{vowel})?" if optional else f"{regex}{vowel}"
    return lead + body


def _short(word: str) -> bool:
    return len(re.sub("[^a-z]", "", word.lower())) <= 3


@functools.cache
def _translit_regex(word: str) -> re.Pattern | None:
    """The whole Arabic word: proclitics (group 1, with the article unless the name is short: بالدوين
    is not ال+Dan) and the transliteration."""
    skel = translit_skeleton(word)
    if skel is None:
        return None
    prefix = _PROCLITICS if _short(word) else f"{_PROCLITICS}(?:{_ARTICLE})?"
    return re.compile(f"({prefix}){skel}")


# --------------------------------------------------------------------------- matching without regex
# The same language as _translit_regex, run as a set of positions over the word: compiling a
# Python or Rust regex per name costs 0.1-3 ms, this costs microseconds per (name, word) pair.
_MARK_SET = frozenset(chr(c) for c in range(0x64B, 0x660)) | {"\u0670", "\u0640"}
_CLITIC1 = ("و", "ف", "")  # [وف]?
_CLITIC2 = ("ب", "ل", "ك", "لل", "")  # (?:[بلك]|ل?ل)? in the order a regex engine tries them


@functools.cache
def _machine(word: str) -> tuple[frozenset | None, frozenset, tuple[tuple[tuple[str, ...], bool, frozenset], ...]]:
    """(lead vowel set or None when the name starts with a consonant, lead marks, steps): each step
    is (consonant alternatives, optional, the vowel set that may follow)."""
    slots, parts = _parse(word)
    lead = (frozenset(_slot_letters(slots[0]) + _GLIDES) | _MARK_SET) if slots[0] else None
    steps = []
    for k, (regex, optional) in enumerate(parts):
        letters = _slot_letters(slots[k + 1], final=k == len(parts) - 1)
        vowels = frozenset(letters + _GLIDES) | _MARK_SET if letters else _MARK_SET
        steps.append((tuple(_expand(regex)), optional, vowels))
    return lead, _MARK_SET, tuple(steps)


def _star(text: str, positions: set[int], chars: frozenset) -> set[int]:
    out = set()
    for p in positions:
        out.add(p)
        while p < len(text) and text[p] in chars:
            p += 1
            out.add(p)
    return out


def _is_transliteration(word: str, text: str) -> bool:
    """translit_skeleton(word) matches the whole of text."""
    lead, marks, steps = _machine(word)
    if lead is None:
        pos = _star(text, {0}, marks)
    else:
        pos = _star(text, {1}, lead) if text[:1] and text[0] in _ALEF else set()
    for alts, optional, vowels in steps:
        moved = _star(text, {p + len(a) for p in pos for a in alts if text.startswith(a, p)}, vowels)
        pos = pos | moved if optional else moved
        if not pos:
            return False
    return len(text) in pos


def _proclitics(word: str, form: str) -> str | None:
    """What _translit_regex(word).fullmatch(form).group(1) gives: the first proclitic/article
    prefix, in the regex's order of preference, after which the rest is a transliteration."""
    if _parse(word) is None:
        return None
    articles = ("",) if _short(word) else (_ARTICLE, "")
    for a in _CLITIC1:
        if not form.startswith(a):
            continue
        for b in _CLITIC2:
            if not form.startswith(b, len(a)):
                continue
            for c in articles:
                prefix = a + b + c
                if form.startswith(prefix) and _is_transliteration(word, form[len(prefix):]):
                    return prefix
    return None


# --------------------------------------------------------------------------- consonant keys
# Letters that only ever stand in vowel slots, proclitics, the article or optional consonants
# (w, y, h as ه) leave no trace in a key; so do diacritics and tatweel.
_WEAK = set(_ALEF + "".join(_VOWEL_LETTERS.values()) + _GLIDES + "ةهو")


def _expand(regex: str) -> list[str]:
    """The strings a consonant regex of _CONSONANTS matches (literals, [..] and (?:a|b))."""
    out = [""]
    i = 0
    while i < len(regex):
        if regex.startswith("(?:", i):
            j = regex.index(")", i)
            alts, i = regex[i + 3:j].split("|"), j + 1
        elif regex[i] == "[":
            j = regex.index("]", i)
            alts, i = list(regex[i + 1:j]), j + 1
        else:
            alts, i = [regex[i]], i + 1
        out = [o + a for o in out for a in alts]
    return out


def _letter_classes() -> dict[str, str]:
    """Strong letter -> its class representative: letters one English consonant may stand for
    (س/ص/ز/ث, ك/ق ...) share a class, transitively, so that each consonant has one key letter."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for _, regex in _CONSONANTS:
        for group in re.findall(r"\[([^\]]+)\]", regex):
            strong = [c for c in group if c not in _WEAK]
            for c in strong[1:]:
                parent[find(c)] = find(strong[0])
        for c in re.sub(r"[\[\]()?:|]", "", regex):
            find(c)
    return {c: find(c) for c in parent if c not in _WEAK}


_CLASS = _letter_classes()
_KEY_TABLE = str.maketrans({**{c: None for c in _WEAK}, **_CLASS})


# Letters a transliteration (with proclitics and article) may contain; other words never match.
_ALPHABET = "".join(sorted(_WEAK | set(_CLASS) | set("وفبلكال")))
_CANDIDATE_RE = f"^[{_ALPHABET}{_MARKS}]+$"


# A name's keys are every choice of letters for its consonants (Sutskever: س/ص/ز/ث, ت/ط ...);
# beyond this many, the name falls back to class keys (fewer, less selective).
MAX_EXACT_KEYS = 1024
_NO_CLASS = str.maketrans({c: None for c in _WEAK})


@functools.cache
def _word_keys(word: str) -> tuple[tuple[str, ...], bool]:
    """(keys, exact) of all Arabic words (without proclitics) that translit_skeleton(word)
    matches: vowel slots hold weak letters only, so a key is one choice of letters for each
    consonant part. exact=False: the keys use letter classes (_key) instead of letters."""
    parsed = _parse(word)
    if parsed is None:
        return (), True
    for table, exact in ((_NO_CLASS, True), (_KEY_TABLE, False)):
        keys = {""}
        for regex, optional in parsed[1]:
            choices = {s.translate(table) for s in _expand(regex)} | ({""} if optional else set())
            keys = {k + c for k in keys for c in choices}
            if exact and len(keys) > MAX_EXACT_KEYS:
                break
        else:
            return tuple(sorted(keys)), exact
    raise AssertionError("unreachable")


def _token_keys(token: pl.Expr, exact: bool) -> pl.Expr:
    """List of keys of a target word with any proclitic/article prefix stripped (a superset: the
    matcher decides which reading is right)."""
    key = token.str.replace_all(f"[{_MARKS}]", "")
    weak, classes = list(_WEAK), ({} if exact else _CLASS)
    key = key.str.replace_many(weak + list(classes), [""] * len(weak) + list(classes.values()))
    table = _NO_CLASS if exact else _KEY_TABLE
    prefixes = sorted({(a + b + c).translate(table) for a in _CLITIC1 for b in _CLITIC2 for c in ("", _ARTICLE)})
    return pl.concat_list([pl.when(key.str.starts_with(p)).then(key.str.slice(len(p))) for p in prefixes]
                          ).list.drop_nulls().list.unique()


def _arabic_form_regex(form: str) -> str:
    """An Arabic word as a regex tolerant of hamza/alef spelling, ta marbuta and diacritics."""
    out = []
    for ch in form:
        if ch in _ALEF:
            out.append(f"[{_ALEF}]")
        elif ch in "ةه":
            out.append("[ةه]")
        elif ch in "يى":
            out.append("[يى]")
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
        out.append(f"[{_MARKS}]*")
    return "".join(out)


def _dictionary_regex(word: str) -> str | None:
    forms = name_words().get(word.lower())
    if not forms:
        return None
    return r"\b" + _PROCLITICS + "(?:" + "|".join(_arabic_form_regex(f) for f in forms) + r")\b"


# --------------------------------------------------------------------------- words of the targets
def _chunks(rows: pl.DataFrame) -> pl.DataFrame:
    """ROW, _c (the target cut at spaces), _cs (character offset of the chunk in the target).

    The offsets come from one running sum over all chunks minus each row's own running start,
    which is much cheaper than a sum per row (over())."""
    t = pl.col(TARGET).fill_null("")
    size = t.str.len_chars() + 1
    rows = rows.select(ROW, t.str.split(" ").alias("_c"), (size.cum_sum() - size).alias("_base"))
    rows = rows.explode("_c")
    step = pl.col("_c").str.len_chars() + 1
    return rows.select(ROW, "_c", (step.cum_sum() - step - pl.col("_base")).cast(pl.Int64).alias("_cs"))


def _pieces(chunks: pl.Series) -> pl.DataFrame:
    """_c, _w (a maximal run of word characters, what regex \\b...\\b delimits), _ws (its offset
    in the chunk), for distinct chunks."""
    step = pl.element().str.len_chars() + 1
    return (chunks.unique().to_frame("_c")
            .with_columns(pl.col("_c").str.replace_all(r"\W", " ").str.split(" ").alias("_w"))
            .with_columns(pl.col("_w").list.eval(step.cum_sum() - step).alias("_ws"))
            .explode("_w", "_ws").filter(pl.col("_w") != "")
            .with_columns(pl.col("_ws").cast(pl.Int64)))


def _word_spans(per_row: pl.DataFrame, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(latin, arabic) renderings found in the targets, as ROW, word, form, start, end (+ _prefix,
    the proclitics, for arabic): a target word equal to a name word of the same segment, or
    transliterating it."""
    chunks = _chunks(rows)
    pieces = _pieces(chunks["_c"])
    names = per_row["word"].unique()
    # Distinct name words x distinct target words meet on a key, and the matcher keeps the pairs
    # that really are transliterations; only then are the segments looked at.
    keys = []
    for word in names.to_list():
        word_keys, exact = _word_keys(word)
        keys += [(word, k, exact) for k in word_keys]
    keys = pl.DataFrame(keys, schema={"word": pl.String, "_k": pl.String, "_exact": pl.Boolean}, orient="row")
    arabic = (pieces.select("_w").unique().filter(pl.col("_w").str.contains(_CANDIDATE_RE))
              .with_columns(_token_keys(pl.col("_w"), True).alias("_exact_k"),
                            _token_keys(pl.col("_w"), False).alias("_class_k")))
    candidates = pl.concat([
        arabic.explode(key).join(keys.filter(pl.col("_exact") == exact), left_on=key, right_on="_k")
        .select("word", pl.col("_w").alias("form")) for key, exact in (("_exact_k", True), ("_class_k", False))])
    valid = _verified(candidates)
    latin = pieces.filter(pl.col("_w").is_in(names.implode()))
    wanted = pl.concat([pieces.filter(pl.col("_w").is_in(valid["form"].implode()))["_c"], latin["_c"]]).unique()
    located = chunks.filter(pl.col("_c").is_in(wanted.implode())).join(pieces, on="_c")
    span = [(pl.col("_cs") + pl.col("_ws")).alias("start"),
            (pl.col("_cs") + pl.col("_ws") + pl.col("_w").str.len_chars()).cast(pl.Int64).alias("end")]
    located = located.select(ROW, pl.col("_w").alias("form"), *span)
    pairs = per_row.select(ROW, "word")
    latin = located.join(pairs, left_on=[ROW, "form"], right_on=[ROW, "word"]).with_columns(
        pl.col("form").alias("word"))
    arabic = located.join(valid, on="form").join(pairs, on=[ROW, "word"])
    return latin.select(ROW, "word", "form", "start", "end"), arabic


def _verified(candidates: pl.DataFrame) -> pl.DataFrame:
    """word, form, _prefix for the distinct (name word, Arabic word) pairs that the name's
    transliteration regex accepts as a whole word; _prefix is the proclitics/article part."""
    pairs = candidates.select("word", "form").unique()
    rows = []
    for word, form in pairs.iter_rows():
        prefix = _proclitics(word, form)
        if prefix is not None:
            rows.append((word, form, prefix))
    return pl.DataFrame(rows, schema={"word": pl.String, "form": pl.String, "_prefix": pl.String}, orient="row")


def _pattern_spans(per_row: pl.DataFrame, rows: pl.DataFrame, words: list[str], pattern) -> pl.DataFrame:
    """ROW, word, form, start, end: matches of pattern(word) in the targets of the segments that
    have that name word; one regex per distinct word, for the few words that need one."""
    parts = []
    for word in words:
        regex = pattern(word)
        if regex is None:
            continue
        sub = per_row.filter(pl.col("word") == word).select(ROW).join(rows.select(ROW, TARGET), on=ROW)
        found = find_spans(sub, TARGET, regex)
        parts.append(found.select(ROW, pl.lit(word).alias("word"), pl.col("match").alias("form"), "start", "end"))
    if not parts:
        return pl.DataFrame(schema={ROW: pl.Int64, "word": pl.String, "form": pl.String,
                                    "start": pl.Int64, "end": pl.Int64})
    return pl.concat(parts)


# --------------------------------------------------------------------------- rendering table
_SCHEMA = {ROW: pl.Int64, DOC: pl.String, "word": pl.String, "kind": pl.String, "form": pl.String,
           "start": pl.Int64, "end": pl.Int64, "article": pl.Boolean}


def rendering_table(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(names, renderings).

    names: ROW, DOC, word, start, end (the name word in the source).
    renderings: ROW, DOC, word, kind ('latin', 'arabic', 'dictionary'), form, start, end (in the
    target), article (the Arabic article sits on a transliteration).
    """
    f = frame
    if DOC not in f.columns:
        f = f.with_columns(pl.lit("").alias(DOC))
    f = f.filter(pl.col(TARGET).fill_null("").str.strip_chars() != "")
    if BEAD in f.columns:
        f = f.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    names = source_names(f.select(ROW, DOC, SOURCE)).rename({"match": "word"})
    if names.height == 0:
        return names, pl.DataFrame(schema=_SCHEMA)
    per_row = names.select(ROW, DOC, "word").unique()
    rows = f.select(ROW, TARGET).join(per_row.select(ROW).unique(), on=ROW)
    latin, translit = _word_spans(per_row, rows)
    words = per_row["word"].unique().sort().to_list()
    # \bO'Brien\b spans several word runs: the few such names get a regex of their own.
    compound = _pattern_spans(per_row, rows, [w for w in words if re.search(r"\W", w)],
                              lambda w: rf"\b{re.escape(w)}\b")
    latin = pl.concat([latin, compound]).with_columns(pl.lit("latin").alias("kind"), pl.lit(False).alias("article"))
    translit = (translit
                .with_columns(
                    # ال, or لل (li + al contracted: للمكسيك) ends the proclitics
                    pl.col("_prefix").str.contains(f"(?:{_ARTICLE}|لل)$").alias("article"),
                    # the name itself must be long enough: ين (ب + ين) is no transliteration of Johnny
                    (pl.col("form").str.len_chars() - pl.col("_prefix").str.len_chars()).alias("_stem"))
                .filter(pl.col("_stem") >= pl.max_horizontal(pl.lit(3), (pl.col("word").str.len_chars() * 0.6).ceil()))
                .with_columns(pl.lit("arabic").alias("kind")))
    dictionary = _pattern_spans(per_row, rows, [w for w in words if w.lower() in name_words()], _dictionary_regex)
    dictionary = dictionary.with_columns(pl.lit("dictionary").alias("kind"), pl.lit(False).alias("article"))
    doc = per_row.select(ROW, DOC).unique()
    cols = list(_SCHEMA)
    rend = pl.concat([p.join(doc, on=ROW).select(cols) for p in (latin, translit, dictionary)], how="vertical_relaxed")
    # A dictionary word that also reads as a transliteration (المسك for Musk) is a translation.
    dict_spans = dictionary.select(ROW, "start", pl.lit(True).alias("_is_dict")).unique()
    rend = (rend.join(dict_spans, on=[ROW, "start"], how="left")
            .filter(~((pl.col("kind") == "arabic") & pl.col("_is_dict").fill_null(False)))
            .drop("_is_dict"))
    # One Arabic word stands for one name word: the longest name word that matches it (بالدوين is
    # Baldwin, not Dan); ties go to the alphabetically first, so that runs agree.
    arabic = (rend.filter(pl.col("kind") == "arabic")
              .sort(pl.col("word").str.len_chars(), "word", descending=[True, False], maintain_order=True)
              .unique([ROW, "start"], keep="first", maintain_order=True))
    rend = pl.concat([rend.filter(pl.col("kind") != "arabic"), arabic]).unique(
        [ROW, "word", "kind", "start"], maintain_order=True)
    return names, rend.sort(ROW, "start", "kind", "word")


# The three name checks of one run_checks call share one table. The memo is keyed on the
# content of the columns the table reads, not on the frame object, so another frame that
# happens to reuse an id can never get a stale table.
_MEMO: dict[tuple, tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = {}


def clear_memo() -> None:
    """Forget the shared table (benchmarks time a cold run with it)."""
    _MEMO.clear()
    _ONE_ROW_MEMO.clear()


def _content_key(frame: pl.DataFrame) -> tuple:
    cols = [c for c in (ROW, DOC, SOURCE, TARGET, BEAD) if c in frame.columns]
    digest = frame.select(cols).hash_rows().sum() if frame.height else 0
    return frame.height, tuple(cols), digest


def _frame_names(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(names, renderings with their spelling key _key, source phrases), once per frame."""
    key = _content_key(frame)
    if key not in _MEMO:
        names, rend = rendering_table(frame)
        forms = rend.select("form").unique().with_columns(_key_expr("form").alias("_key"))
        rend = rend.join(forms, on="form", how="left", maintain_order="left")
        _MEMO.clear()
        _MEMO[key] = names, rend, _source_phrases(names)
    return _MEMO[key]


# A reviewer's correction is re-checked alone, one row, on every save: there the rendering
# table (dozens of small queries) is only needed when a hit is possible at all, which the name
# words of the source and the target text tell in plain Python (see _one_row_cannot_flag).
_BRAND_RE = re.compile(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
_ONE_ROW_MEMO: dict[tuple, list[str]] = {}


def _one_row_names(frame: pl.DataFrame) -> tuple[list[str], str] | None:
    """(name words of the source, target) of a one-row frame, filtered as rendering_table filters
    it; None for any other frame. Keyed on the row's values, so no query decides a memo hit."""
    if frame.height != 1:
        return None
    cols = [c for c in (ROW, DOC, SOURCE, TARGET, BEAD) if c in frame.columns]
    values = tuple(frame[c][0] for c in cols)
    row = dict(zip(cols, values))
    target = row.get(TARGET) or ""
    if not target.strip():  # left to the table: its notion of blank (polars) decides
        return None
    if (row.get(BEAD) or "") in ("1-0", "0-1"):
        return [], target
    key = (tuple(cols), values)
    if key not in _ONE_ROW_MEMO:
        f = frame if DOC in frame.columns else frame.with_columns(pl.lit("").alias(DOC))
        words = source_names(f.select(ROW, DOC, SOURCE))["match"].to_list()
        _ONE_ROW_MEMO.clear()
        _ONE_ROW_MEMO[key] = words
    return _ONE_ROW_MEMO[key], target


def _one_row_cannot_flag(frame: pl.DataFrame, check: str) -> bool:
    """True when `check` provably finds nothing in a one-row frame, decided without the table.

    name_translated needs a dictionary rendering (a name word listed in data/name_words.tsv) or
    a Latin rendering next to an article form (the name word written in the target). name_missing,
    with one row, can only flag a name whose words the target renders nowhere, and then only a
    brand-like one: a word is 'known' to the document exactly when this one row renders it."""
    found = _one_row_names(frame)
    if found is None:
        return False
    words, target = found
    if not words:
        return True
    if check == "name_translated":
        return not any(_dictionary_form_possible(w, target) or (w in target and _article_form_possible(w, target))
                       for w in words)
    return not any(_BRAND_RE.match(w) for w in words)


def _article_form_possible(word: str, target: str) -> bool:
    """Whether target may hold a transliteration of word with the article (proclitics ending in
    ال or لل, see rendering_table): such a word always contains that ending followed by a
    stretch the skeleton regex matches, so no such stretch means no such rendering."""
    pattern = _article_search(word)
    return pattern is not None and pattern.search(target) is not None


def _dictionary_form_possible(word: str, target: str) -> bool:
    """Whether _dictionary_regex(word) may match in target: its forms without the proclitics and
    word boundaries, so anything the boundary regex finds this finds too (Python's \\s covers
    every character the Rust \\s does)."""
    forms = name_words().get(word.lower())
    if not forms:
        return False
    return _dictionary_search(word.lower()).search(target) is not None


@functools.cache
def _dictionary_search(word: str) -> re.Pattern:
    return re.compile("|".join(_arabic_form_regex(f) for f in name_words()[word]))


@functools.cache
def _article_search(word: str) -> re.Pattern | None:
    skel = translit_skeleton(word)
    return None if skel is None else re.compile(f"(?:{_ARTICLE}|لل){skel}")


def _key_expr(col: str) -> pl.Expr:
    """Arabic spelling key: match_key (clitics, hamza, ta marbuta folded) without final long vowels
    or ه, which are endings (تركيا/تركية, بوليفيا/بوليفي), not spellings."""
    return match_key_expr(pl.col(col)).str.replace(r"[اويىه]+$", "")


def _merge_adjacent(hits: pl.DataFrame) -> pl.DataFrame:
    """Join flagged spans of one row that touch (Elon + Musk -> 'Elon Musk')."""
    hits = hits.sort(ROW, "start")
    new = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("start") - pl.col("end").shift(1) > 1)).fill_null(True)
    hits = hits.with_columns(new.cum_sum().alias("_g"))
    return hits.group_by("_g", maintain_order=True).agg(
        pl.col(ROW).first(), pl.col("start").min(), pl.col("end").max(),
        pl.col("major").str.join(" "), pl.col("major_kind").first(), pl.col("n_major").min(),
        pl.col("kind").first())


@implements("name_inconsistent")
def name_inconsistent(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    _, rend, _ = _frame_names(frame)
    rend = rend.filter(pl.col("kind").is_in(["latin", "arabic"]) & ~pl.col("article"))
    if rend.height == 0:
        return no_hits()
    # A segment with both scripts for one name glosses it (جوني إنجليش (Johnny English)): its
    # Latin form is not an inconsistency.
    glossed = pl.col("kind").n_unique().over(ROW, "word") > 1
    rend = rend.filter(~(glossed & (pl.col("kind") == "latin")))
    # Script: Latin vs Arabic, per document and name word; minority flagged when strictly fewer.
    counts = rend.group_by(DOC, "word", "kind").agg(pl.len().alias("n"))
    wide = counts.pivot(on="kind", index=[DOC, "word"], values="n")
    for k in ("latin", "arabic"):
        if k not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.UInt32).alias(k))
    wide = wide.with_columns(pl.col("latin").fill_null(0), pl.col("arabic").fill_null(0))
    wide = wide.filter((pl.col("latin") > 0) & (pl.col("arabic") > 0) & (pl.col("latin") != pl.col("arabic")))
    # The most frequent spelling per kind is the form quoted as the majority.
    # Ties go to the spelling seen first, so that every run quotes the same form.
    top = (rend.group_by(DOC, "word", "kind", "_key")
           .agg(pl.len().alias("_n"), pl.col(ROW).min().alias("_first"),
                pl.col("form").sort_by(pl.col("form").str.len_chars(), ROW, "start").first())
           .sort("_n", "_first", descending=[True, False]).group_by(DOC, "word", "kind", maintain_order=True)
           .agg(pl.col("form").first().alias("top_form"), pl.col("_n").first().alias("top_n"),
                pl.col("_key").first().alias("top_key")))
    script_hits = (rend.join(wide, on=[DOC, "word"])
                   .with_columns(pl.when(pl.col("latin") > pl.col("arabic")).then(pl.lit("latin"))
                                 .otherwise(pl.lit("arabic")).alias("major_kind"))
                   .filter(pl.col("kind") != pl.col("major_kind"))
                   .join(top.rename({"kind": "major_kind"}), on=[DOC, "word", "major_kind"])
                   .select(ROW, "start", "end", "kind", pl.col("top_form").alias("major"), "major_kind",
                           pl.max_horizontal("latin", "arabic").alias("n_major")))
    # Spelling: two Arabic spellings of one name word; the rarer one is flagged.
    arabic = rend.filter(pl.col("kind") == "arabic").join(
        top.filter(pl.col("kind") == "arabic").drop("kind"), on=[DOC, "word"])
    variants = arabic.group_by(DOC, "word", "_key").agg(pl.len().alias("_n"))
    arabic = arabic.join(variants, on=[DOC, "word", "_key"])
    similar = ((pl.col("_key").str.slice(0, 1) == pl.col("top_key").str.slice(0, 1))
               & ((pl.col("_key").str.len_chars().cast(pl.Int64) - pl.col("top_key").str.len_chars().cast(pl.Int64)).abs() <= 2))
    spelling_hits = arabic.filter((pl.col("_key") != pl.col("top_key")) & (pl.col("_n") < pl.col("top_n"))
                                  & similar & (pl.col("word").str.len_chars() >= 4)).select(
        ROW, "start", "end", pl.lit("spelling").alias("kind"), pl.col("top_form").alias("major"),
        pl.lit("arabic").alias("major_kind"), pl.col("top_n").cast(pl.UInt32).alias("n_major"))
    hits = pl.concat([script_hits.with_columns(pl.col("n_major").cast(pl.UInt32)), spelling_hits])
    if hits.height == 0:
        return no_hits()
    hits = _merge_adjacent(hits.unique([ROW, "start", "end"], maintain_order=True)).join(
        frame.select(ROW, TARGET), on=ROW)
    fragment = pl.col(TARGET).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    message = (pl.when(pl.col("kind") == "latin")
               .then(pl.format("'{}' is left in Latin script here, but the document writes it '{}' elsewhere.",
                               fragment, pl.col("major")))
               .when(pl.col("kind") == "arabic")
               .then(pl.format("'{}' is transliterated here, but the document keeps it as '{}' elsewhere.",
                               fragment, pl.col("major")))
               .otherwise(pl.format("'{}' is spelled differently from '{}', the spelling used elsewhere in "
                                    "the document.", fragment, pl.col("major"))))
    return hits.select(ROW, message.alias("message"), pl.lit("target").alias("side"),
                       pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64)).unique(
        [ROW, "start", "end"], maintain_order=True)


@implements("name_translated")
def name_translated(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if _one_row_cannot_flag(frame, "name_translated"):
        return no_hits()
    return _name_translated_from_table(frame)


def _name_translated_from_table(frame: pl.DataFrame) -> pl.DataFrame:
    names, rend, phrases = _frame_names(frame)
    if rend.height == 0:
        return no_hits()
    kept = rend.filter((pl.col("kind") == "latin") | ((pl.col("kind") == "arabic") & ~pl.col("article")))
    kept_rows = kept.select(ROW, "word").unique().with_columns(pl.lit(True).alias("_kept"))
    src = frame.select(ROW, SOURCE)
    # (a) the dictionary meaning, where the segment has no kept form of the name and the source
    # does not use the word as a common noun itself.
    dictionary = (rend.filter(pl.col("kind") == "dictionary")
                  .join(kept_rows, on=[ROW, "word"], how="left").filter(~pl.col("_kept").fill_null(False))
                  .join(src, on=ROW)
                  .filter(~pl.col(SOURCE).str.contains(pl.lit(r"\b") + pl.col("word").str.to_lowercase()
                                                       + pl.lit(r"\b")))
                  .select(ROW, "start", "end", "word", "form", pl.lit("dictionary").alias("why")))
    # (b) the article on a transliteration that the same document also writes without it.
    # Only for names the document also keeps in Latin script (Anthropic ... الأنثروبيك): place names
    # take the article in Arabic (المكسيك, البرازيل) and are never kept in Latin.
    kept_docs = (rend.filter(pl.col("kind") == "latin").select(DOC, "word").unique()
                 .with_columns(pl.lit(True).alias("_kept_doc")))
    article = (rend.filter((pl.col("kind") == "arabic") & pl.col("article"))
               .join(kept_docs, on=[DOC, "word"], how="left").filter(pl.col("_kept_doc").fill_null(False))
               .select(ROW, "start", "end", "word", "form", pl.lit("article").alias("why")))
    hits = pl.concat([dictionary, article]).unique([ROW, "start"], keep="first", maintain_order=True)
    if hits.height == 0:
        return no_hits()
    # Quote the whole source name (The New York Times), not just the word that was translated.
    full = _with_phrase(phrases.join(hits.select(ROW).unique(), on=ROW), phrases).sort(ROW, "start")
    hits = hits.join(full.select(ROW, "word", "phrase"), on=[ROW, "word"], how="left", maintain_order="left").unique(
        [ROW, "start"], keep="first", maintain_order=True)
    phrase = pl.coalesce("phrase", "word")
    message = (pl.when(pl.col("why") == "dictionary")
               .then(pl.format("The name '{}' is translated as the common word '{}' ('{}') instead of being "
                               "kept or transliterated.", phrase, pl.col("form"), pl.col("word").str.to_lowercase()))
               .otherwise(pl.format("'{}' puts the Arabic article on the name '{}' as if it were a common noun; "
                                    "the document writes the name without it elsewhere.", pl.col("form"), phrase)))
    return hits.select(ROW, message.alias("message"), pl.lit("target").alias("side"),
                       pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))


def _source_phrases(names: pl.DataFrame) -> pl.DataFrame:
    """ROW, DOC, word, start, end, _g: each name word with the span of the multi-word name it
    belongs to (_g numbers those names). Sorted, so a name's words are consecutive rows."""
    n = names.sort(ROW, "start")
    new = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("start") - pl.col("end").shift(1) > 1)).fill_null(True)
    last = new.shift(-1).fill_null(True)
    return n.select(
        ROW, DOC, "word",
        pl.when(new).then(pl.col("start")).forward_fill().alias("start"),
        pl.when(last).then(pl.col("end")).backward_fill().alias("end"),
        new.cum_sum().alias("_g"))


def _with_phrase(hits: pl.DataFrame, phrases: pl.DataFrame) -> pl.DataFrame:
    """hits (with _g) plus `phrase`, the words of its name joined by spaces (The New York Times)."""
    words = phrases.join(hits.select("_g").unique(), on="_g")
    text = words.group_by("_g").agg(pl.col("word").str.join(" ").alias("phrase"))
    return hits.join(text, on="_g", how="left", maintain_order="left")


@implements("name_missing")
def name_missing(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if _one_row_cannot_flag(frame, "name_missing"):
        return no_hits()
    return _name_missing_from_table(frame)


def _name_missing_from_table(frame: pl.DataFrame) -> pl.DataFrame:
    names, rend, phrases = _frame_names(frame)
    if names.height == 0:
        return no_hits()
    found = rend.select(ROW, "word").unique().with_columns(pl.lit(True).alias("_found"))
    # Only names the document does render somewhere (or brand-like words, OpenAI, iPhone): a
    # capitalised common noun (Board, Updates, August) is translated, which is no loss.
    known = rend.select(DOC, "word").unique().with_columns(pl.lit(True).alias("_known"))
    brand = pl.col("word").str.contains(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
    status = (phrases.join(found, on=[ROW, "word"], how="left").join(known, on=[DOC, "word"], how="left")
              .group_by("_g").agg(pl.col(ROW).first(), pl.col("start").first(), pl.col("end").first(),
                                  pl.col("_found").fill_null(False).any().alias("_any"),
                                  (pl.col("_known").fill_null(False) | brand).any().alias("_checkable")))
    missing = status.filter(~pl.col("_any") & pl.col("_checkable"))
    if missing.height == 0:
        return no_hits()
    # Last chance: any spelling the document uses for the name (its rendering table) in this target.
    seen = (rend.filter(pl.col("kind") != "dictionary")
            .rename({"_key": "_k"})
            .filter(pl.col("_k").str.len_chars() >= 3)
            .group_by(DOC, "word").agg(pl.col("_k").unique()))
    target_key = frame.select(ROW, pl.col(TARGET).fill_null("").alias("_t"))
    per_word = (phrases.join(missing.select("_g"), on="_g").join(target_key, on=ROW)
                .join(seen, on=[DOC, "word"], how="left"))
    if per_word.height:
        per_word = per_word.with_columns(match_key_expr(pl.col("_t")).alias("_t"))
        per_word = per_word.explode("_k").with_columns(
            pl.when(pl.col("_k").is_null()).then(False)
            .otherwise(pl.col("_t").str.contains(pl.col("_k"), literal=True)).alias("_seen"))
        rescued = per_word.group_by("_g").agg(pl.col("_seen").any()).filter(pl.col("_seen"))
        missing = missing.join(rescued, on="_g", how="anti")
    if missing.height == 0:
        return no_hits()
    return _with_phrase(missing, phrases).select(
        ROW,
        pl.format("The name '{}' does not appear in the target, neither in Latin script nor transliterated.",
                  pl.col("phrase")).alias("message"),
        pl.lit("source").alias("side"), pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
