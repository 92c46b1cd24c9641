"""Arabic spelling as data, defined once: letters, digits, clitics, folding tables, name skeletons,
right-to-left languages.

Everything here is plain strings, tables and small pure functions; the column-wise use lives in
review.normalize (folding), review.checks.names (transliterated names), review.align (name
skeletons), review.sentences (abbreviations) and the renderers (text direction).

Where two modules use slightly different sets today (a narrow and a wide letter range, three
sets of marks), both are named here with the reason, so that a difference is a decision.
"""

from __future__ import annotations

import functools
import re

# --------------------------------------------------------------------------- letters
# Arabic letters without tatweel (U+0640) and without the diacritics that sit inside U+0621-U+065F,
# with the Persian/Urdu/extended letters: what counts as an Arabic letter in the checks.
AR_LETTERS = "\u0621-\u063a\u0641-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06ee-\u06ef\u06fa-\u06fc\u06ff"
AR_LETTER_RE = f"[{AR_LETTERS}]"
LATIN_LETTER_RE = "[A-Za-z]"
# The basic range hamza..yeh (U+0621-U+064A, tatweel included, extended letters not): the older,
# narrower class that sentence splitting (one-letter abbreviations), the polarity check (is the
# target Arabic, run-together words) and alignment (skeleton words) were tuned and measured with.
# Widening it to AR_LETTERS changes their results (bench/align_eval.py, bench/polarity_precision.py).
BASIC_LETTERS = "\u0621-\u064a"
# Every Arabic-script code point (letters, marks, digits, punctuation, presentation forms): what a
# renderer isolates as one right-to-left run inside left-to-right text.
SCRIPT_RANGES = "\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF"
# The Arabic block alone (U+0600-U+06FF): where a URL glued to Arabic text ends.
BLOCK = "\u0600-\u06ff"

ALEF = "ا"
ALEF_FORMS = "اأإآٱ"  # alef, with hamza above/below, with madda, wasla
TATWEEL = "\u0640"

# --------------------------------------------------------------------------- marks
# Three sets, from narrow to wide; each user was measured with its own:
# - HARAKAT: tanwin, short vowels, shadda, sukun (U+064B-U+0652): alignment skeletons drop these;
# - MARKS: HARAKAT plus the other combining marks up to U+065F and superscript alef (U+0670):
#   the name transliteration check allows these anywhere in a name;
# - DIACRITICS: MARKS plus the Quranic annotation marks: normalisation drops these.
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
MARKS = "\u064b-\u065f\u0670"
QURANIC_MARKS = "\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
DIACRITICS = MARKS + QURANIC_MARKS
DROP_RE = f"[{TATWEEL}{DIACRITICS}]+"  # what normalisation removes

# --------------------------------------------------------------------------- digits
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
DIGIT_MAP: dict[str, str] = {
    **{d: str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
    **{d: str(i) for i, d in enumerate(PERSIAN_DIGITS)},
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
    "٪": "%",  # Arabic percent sign
}
NON_ASCII_DIGIT_RE = f"[{''.join(DIGIT_MAP)}]"  # any character DIGIT_MAP folds

# --------------------------------------------------------------------------- folding tables
LETTER_MAP: dict[str, str] = {
    **{a: ALEF for a in ALEF_FORMS[1:]},  # أ إ آ ٱ -> ا
    "ة": "ه",  # ta marbuta
    "ى": "ي",  # alef maqsura
    "ی": "ي",  # Persian yeh
    "ک": "ك",  # Persian keheh
}

# --------------------------------------------------------------------------- clitics
# Proclitics glued to the front of a word: a conjunction (و and, ف so), then a preposition
# (ب with, ل for, ك like) or لل (li + al contracted: للمكسيك), then the article ال.
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
ARTICLE = "ال"
LI_AL = "لل"
PROCLITIC_LETTERS = "".join(CONJUNCTIONS + PREPOSITIONS)  # وفبلك
# The letters any proclitic or the article is made of (و ف ب ل ك ا).
CLITIC_LETTERS = "".join(dict.fromkeys(PROCLITIC_LETTERS + ARTICLE))
# Two readings of the same grammar, on purpose:
# - CLITIC_CHAIN_RE (matching keys, review.normalize): any chain of proclitics and articles, greedy,
#   as long as a 3-letter stem remains, so والكتاب, بالكتاب and الكتاب end on the same key;
# - PROCLITIC_RE (names): the strict order, at most one conjunction then at most one preposition or
#   لل, in the order a regex engine tries them (review.checks.name_translit needs group 1 exact).
CLITIC_CHAIN_RE = f"(^|[^{AR_LETTERS}])(?:{ARTICLE}|[{PROCLITIC_LETTERS}])*([{AR_LETTERS}]{{3,}})"
PROCLITIC_RE = f"(?:[{''.join(CONJUNCTIONS)}]?(?:[{''.join(PREPOSITIONS)}]|ل?ل)?)"

# --------------------------------------------------------------------------- number words
# Numbers written out, as usually spelled (callers fold them like the text they meet). A word may
# carry the accusative ending (مليونًا, ملياراً, عشرًا): CASE_ENDING_RE after a word allows it.
CASE_ENDING_RE = f"[{HARAKAT}]*ا?[{HARAKAT}]*"
_UNIT_STEMS = ("ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع")  # 3..9, the stems of 300..900
NUMBER_WORDS: dict[float, tuple[str, ...]] = {
    1: ("واحد", "واحدة", "أحد", "إحدى", "حادي", "أول", "أولى"),
    2: ("اثنان", "اثنين", "اثنتان", "اثنتين", "ثاني", "ثانية",
        # a dual noun says "two" without a numeral (2 years = عامين, twice = مرتين)
        "عامين", "عامان", "سنتين", "سنتان", "يومين", "يومان", "شهرين", "شهران", "أسبوعين",
        "أسبوعان", "ساعتين", "ساعتان", "دقيقتين", "مرتين", "مرتان", "ضعفين", "شخصين"),
    3: ("ثلاث", "ثلاثة", "ثالث", "ثالثة"),
    4: ("أربع", "أربعة", "رابع", "رابعة"),
    5: ("خمس", "خمسة", "خامس", "خامسة"),
    6: ("ست", "ستة", "سادس", "سادسة"),
    7: ("سبع", "سبعة", "سابع", "سابعة"),
    8: ("ثمان", "ثماني", "ثمانية", "ثامن", "ثامنة"),
    9: ("تسع", "تسعة", "تاسع", "تاسعة"),
    10: ("عشر", "عشرة", "عاشر", "عاشرة", "عقد"),  # عقد: a decade
    12: ("دزينة", "دستة"),  # a dozen
    20: ("عشرون", "عشرين", "عقدين", "عقدان"), 30: ("ثلاثون", "ثلاثين"), 40: ("أربعون", "أربعين"),
    50: ("خمسون", "خمسين"), 60: ("ستون", "ستين"), 70: ("سبعون", "سبعين"),
    80: ("ثمانون", "ثمانين"), 90: ("تسعون", "تسعين"),
    100: ("مئة", "مائة", "قرن"), 200: ("مئتان", "مئتين", "مئتي", "مائتان", "مائتين", "مائتي", "قرنين", "قرنان"),
    # 300..900 written as one word: ثلاثمئة, ثلاثمائة, ثمانمئة
    **{100.0 * (i + 3): tuple(stem + h for h in ("مئة", "مائة")) for i, stem in enumerate(_UNIT_STEMS)},
    1e3: ("ألف",), 2e3: ("ألفان", "ألفين", "ألفي", "ألفا"),
    1e6: ("مليون",), 2e6: ("مليونان", "مليونين", "مليوني"),
    1e9: ("مليار", "بليون"), 2e9: ("ملياران", "مليارين", "ملياري"),
    1e12: ("تريليون",), 2e12: ("تريليونان", "تريليونين"),
    0.5: ("نصف",), 0.25: ("ربع",),
}
HALF_WORD = "نصف"  # مليون ونصف = 1.5 million
# Words that multiply the number before them: a numeral after a digit (5 آلاف, 142 مليونًا) or a
# word (خمسة آلاف, ثلاثة عقود).
SCALE_WORDS: dict[float, tuple[str, ...]] = {
    1e3: ("ألف", "آلاف", "الاف"), 1e6: ("مليون", "ملايين"), 1e9: ("مليار", "مليارات", "بليون"),
    1e12: ("تريليون", "تريليونات"),
}
WORD_MULTIPLIERS: dict[float, tuple[str, ...]] = {10: ("عقود",), 100: ("مئة", "مائة", "قرون")}
DECADE_WORDS: dict[float, tuple[str, ...]] = {20 + 10 * i: (f"{stem}يات", f"{stem}ات") for i, stem in enumerate(
    ("عشرين", "ثلاثين", "أربعين", "خمسين", "ستين", "سبعين", "ثمانين", "تسعين"))}

# --------------------------------------------------------------------------- negation
# Negation particles, whole words after at most one conjunction (ولم, فليس). A word is a particle
# only when it is one of these once the conjunction is stripped; a name written with the same
# letters (فليس for Felice) is told apart by the source (review.checks.meaning.polarity).
NEGATION_PARTICLES = ("لا", "لم", "لن", "ليس", "ليست", "لست", "ليسوا", "لسنا", "ليسا", "ألا", "كلا")
NEGATION_RE = f"\\b[{''.join(CONJUNCTIONS)}]?(?:{'|'.join(NEGATION_PARTICLES)})\\b"

# --------------------------------------------------------------------------- name transliteration
# English consonant letters (longest first) and the Arabic letters that write them in
# transliterations, as regexes; a trailing ? marks a consonant Arabic may leave out.
EN_CONSONANTS: list[tuple[str, str]] = [
    ("sch", "ش"), ("tch", "(?:تش|ش)"), ("sh", "ش"), ("ch", "(?:تش|ش|ك)"), ("th", "[ثتذ]"), ("ph", "ف"),
    ("ck", "[كق]"), ("gh", "[غج]?"), ("kh", "خ"), ("qu", "[كق]و?"), ("wh", "و"), ("ng", "ن[غجك]?"),
    ("x", "[كق][سز]"), ("b", "[بپ]"), ("p", "[بپ]"), ("c", "[كسقص]"), ("d", "[دض]"), ("f", "ف"),
    ("g", "[جغكق]"), ("h", "[هح]?"), ("j", "ج"), ("k", "[كق]"), ("l", "ل"), ("m", "م"), ("n", "ن"),
    ("q", "[قك]"), ("r", "ر"), ("s", "[سصزث]"), ("t", "[تط]"), ("v", "[فڤ]"), ("w", "و?"), ("y", "ي?"),
    ("z", "[زس]"),
]
# Arabic letters that write each English vowel letter in transliterations (Musk -> ماسك,
# Greg -> جريج, Brockman -> بروكمان); a slot without vowels takes none.
EN_VOWEL_LETTERS = {"a": "اىيه", "e": "يا", "i": "يى", "o": "وا", "u": "واي", "y": "يى"}
GLIDES = "ئؤء"  # hamza seats a vowel slot may hold

# --------------------------------------------------------------------------- nisba adjectives
# The adjective of a place or nation (Indonesia -> إندونيسي, الإندونيسية, الإندونيسيون; Europe ->
# الأوروبي; Britain -> البريطاني) is the name's skeleton plus ي and an ending: a rendering of the name,
# article and all. NISBA_RE takes the ending off (group 1 is the stem); the name's own final vowel
# comes back as one of NISBA_FINALS (إندونيس + ا = إندونيسيا, أوروب + ا = أوروبا, بريطان).
NISBA_RE = "^(.{3,})ي(?:ة|ه|ون|ين|ان|تين|تان|ات)?$"
# Endings no name transliteration has: a word with one of them is the adjective even where it
# also reads as a transliteration (سامي is Sami; الإندونيسية is Indonesian).
NISBA_ONLY_RE = "ي(?:ة|ون|ين|تين|تان|ات)$"
NISBA_FINALS = ("", "ا", "ي")

# --------------------------------------------------------------------------- name skeletons
# A coarser key than the transliteration table above, on purpose: alignment compares every
# capitalised source word with every target word near the diagonal, so it needs one cheap
# many-to-one key per word (Trump ~ ترامب: t r m b): vowels, w and y (long vowels in Arabic)
# dropped, similar consonants merged into one Latin class letter.
_EN_DIGRAPHS = (("sh", "s"), ("ch", "s"), ("th", "t"), ("ph", "f"), ("kh", "k"), ("gh", "g"), ("ck", "k"),
                ("x", "ks"))
_EN_CLASS = str.maketrans("bptdkcqgjszfvmnlrh", "bbttkkkjjssffmnlrh", "aeiouwyx")
_AR_CLASS = str.maketrans("بپتطدضثذظكقجغگسصزشفڤمنلرهحخ", "bbttttttkkkjjjssssffmnlrhhk", "اأإآٱءئؤوىيةع")
# The prefixes a skeleton is also taken without: the frequent ones only (no ك, no كال), the list
# bench/align_eval.py measured.
SKELETON_PREFIXES = ("", ARTICLE, "و", "ب", "ل", "ف", "و" + ARTICLE, "ب" + ARTICLE, LI_AL, "ف" + ARTICLE)
_REPEAT_RE = re.compile(r"(.)\1+")
_EN_NAME_RE = re.compile(r"\b[A-Z][a-z]+[A-Za-z]*")
_AR_WORD_RE = re.compile(f"[{BASIC_LETTERS}]{{3,}}")
_DROP_MARKS = str.maketrans("", "", TATWEEL + HARAKAT)
SKELETON_MIN = 3  # shorter skeletons match ordinary Arabic words by chance


def name_skeletons(text: str) -> frozenset[str]:
    """Consonant skeletons of the capitalised words of a Latin-script sentence."""
    return frozenset(sk for word in _EN_NAME_RE.findall(text) if (sk := _en_skeleton(word)))


@functools.lru_cache(maxsize=1 << 17)
def _en_skeleton(word: str) -> str:
    w = word.lower()
    for a, b in _EN_DIGRAPHS:
        w = w.replace(a, b)
    skel = _REPEAT_RE.sub(r"\1", w.translate(_EN_CLASS))
    return skel if len(skel) >= SKELETON_MIN else ""


def word_skeletons(text: str) -> frozenset[str]:
    """Consonant skeletons of the Arabic words of a sentence, with and without proclitics."""
    out: set[str] = set()
    for word in _AR_WORD_RE.findall(text.translate(_DROP_MARKS)):
        out.update(_ar_skeletons(word))
    return frozenset(out)


@functools.lru_cache(maxsize=1 << 17)
def _ar_skeletons(word: str) -> tuple[str, ...]:
    out = set()
    for pre in SKELETON_PREFIXES:
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            skel = _REPEAT_RE.sub(r"\1", word[len(pre):].translate(_AR_CLASS))
            if len(skel) >= SKELETON_MIN:
                out.add(skel)
    return tuple(out)


def spells_a_name(word: str, text: str) -> bool:
    """Whether an Arabic word (clitics and all: فليس) has the consonant skeleton of a capitalised
    word of the Latin-script text (Felice, Phyllis): then it is that name, not a particle. Latin c
    is read both as k and as s (Felice -> فليس, Carter -> كارتر)."""
    skel = _REPEAT_RE.sub(r"\1", word.translate(_DROP_MARKS).translate(_AR_CLASS))
    if len(skel) < SKELETON_MIN:
        return False
    names = set(_EN_NAME_RE.findall(text))
    return any(skel in (_en_skeleton(n), _en_skeleton(n.replace("c", "s").replace("C", "S"))) for n in names)


# --------------------------------------------------------------------------- text direction
RTL_LANGS = frozenset({"ar", "fa", "ur", "he", "yi", "ps", "ckb", "dv", "sd", "ug"})


def is_rtl(lang: str | None) -> bool:
    """Whether a language tag (ar, ar-EG, he, ...) names a right-to-left language."""
    return (lang or "").split("-")[0].lower() in RTL_LANGS
