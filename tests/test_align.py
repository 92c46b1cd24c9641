import random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from review.align import align, name_skeletons, word_skeletons
from review.schema import BEADS

WORDS = "the board said that a letter was sent to them on tuesday about money and staff".split()


def beads_of(df):
    return [((a, b), (c, d)) for a, b, c, d in df.select("src_from", "src_to", "tgt_from", "tgt_to").iter_rows()]


def assert_partition(df, n, m):
    """Every sentence of each side in exactly one bead, in order, beads of the allowed shapes."""
    i = j = 0
    for (a, b), (c, d), bead in zip(*zip(*beads_of(df)), df["bead"].to_list()):
        assert (a, c) == (i, j)
        assert f"{b - a}-{d - c}" == bead and bead in BEADS
        i, j = b, d
    assert (i, j) == (n, m)
    conf = df["conf"].to_list()
    assert all(0.0 <= x <= 1.0 for x in conf)
    assert df["low_conf"].to_list() == [x < 0.5 for x in conf]


def sentence(rng: random.Random, k: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 30))]
    words.insert(rng.randrange(len(words)), str(k))  # a number: an anchor that survives translation
    return " ".join(words).capitalize() + "."


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=25), st.lists(st.text(max_size=80), max_size=25),
       st.integers(0, 3))
def test_every_sentence_in_exactly_one_bead(src, tgt, n_paras):
    src_para = [k * n_paras // max(len(src), 1) for k in range(len(src))]
    tgt_para = [k * n_paras // max(len(tgt), 1) for k in range(len(tgt))]
    df = align(src, tgt, src_para, tgt_para)
    assert_partition(df, len(src), len(tgt))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 60))
def test_recovers_random_merges_and_splits(seed, n):
    """Target = source with random merges (2-1) and splits (1-2): the aligner finds them."""
    rng = random.Random(seed)
    src = [sentence(rng, k) for k in range(n)]
    tgt, gold, k = [], [], 0
    while k < n:
        r = rng.random()
        if r < 0.15 and k + 1 < n:
            tgt.append(src[k] + " " + src[k + 1])
            gold.append(((k, k + 2), (len(tgt) - 1, len(tgt))))
            k += 2
            continue
        if r < 0.3:
            words = src[k].split()
            cut = len(words) // 2
            tgt += [" ".join(words[:cut]), " ".join(words[cut:])]
            gold.append(((k, k + 1), (len(tgt) - 2, len(tgt))))
        else:
            tgt.append(src[k])
            gold.append(((k, k + 1), (len(tgt) - 1, len(tgt))))
        k += 1
    df = align(src, tgt)
    assert_partition(df, len(src), len(tgt))
    assert beads_of(df) == gold


def test_anchors_decide_between_equal_lengths():
    src = ["Sales rose 12 percent in 2019.", "The firm hired 300 people.", "It opened in Cairo."]
    tgt = ["ارتفعت المبيعات ١٢ في المئة عام ٢٠١٩.", "وظفت الشركة ٣٠٠ شخص.", "افتتحت في القاهرة."]
    df = align(src, tgt)
    assert df["bead"].to_list() == ["1-1", "1-1", "1-1"]


def test_latin_tokens_in_arabic_anchor_to_the_source():
    """An extra target sentence: the Latin-script name in it has no counterpart in the source,
    so it is left out (0-1) rather than glued to its neighbour (1-2)."""
    src = ["The letter was sent to the board.", "Musk posted the letter on GitHub.",
           "Nobody has answered the questions yet."]
    tgt = ["أُرسلت الرسالة إلى مجلس الإدارة.", "نشر Musk الرسالة على GitHub.", "وقال ذلك على Twitter.",
           "لم يجب أحد على الأسئلة بعد."]
    df = align(src, tgt)
    assert beads_of(df) == [((0, 1), (0, 1)), ((1, 2), (1, 2)), ((2, 2), (2, 3)), ((2, 3), (3, 4))]


def test_broken_line_joins_its_sentence():
    src = ["We saw a troubling pattern of deceit driven by their relentless pursuit of AGI.",
           "Their methods raised doubts."]
    tgt = ["شهدنا نمطًا مزعجًا من الخداع مدفوعين بأفكارهما.", "السعي الحثيث لتحقيق AGI.",
           "أثارت أساليبهم شكوكًا."]
    df = align(src, tgt, [1, 1], [1, 1, 1], [True, False], [True, True, False])
    assert beads_of(df) == [((0, 1), (0, 2)), ((1, 2), (2, 3))]
    assert df["bead"].to_list() == ["1-2", "1-1"]


def test_target_only_paragraph_is_0_1():
    src = ["A title", "A first paragraph with some words in it.", "A second one, also with words."]
    tgt = ["عنوان", "فقرة أولى فيها بعض الكلمات.", "فقرة ثانية، فيها كلمات أيضًا.", "اترك تعليقاً"]
    df = align(src, tgt, [1, 2, 3], [1, 2, 3, 4])
    assert df["bead"].to_list() == ["1-1", "1-1", "1-1", "0-1"]


def test_narrow_band_widens_until_the_path_fits():
    rng = random.Random(3)
    src = [sentence(rng, k) for k in range(120)]
    tgt = [sentence(rng, 1000 + k) for k in range(40)] + src  # 40 extra target sentences up front
    wide = align(src, tgt, width=len(tgt) + 1)
    narrow = align(src, tgt, width=4)
    assert_partition(narrow, len(src), len(tgt))
    assert beads_of(narrow) == beads_of(wide)


def test_empty_sides():
    assert align([], []).height == 0
    df = align(["Only source."], [])
    assert df["bead"].to_list() == ["1-0"]
    df = align([], ["هدف فقط.", "وآخر."])
    assert df["bead"].to_list() == ["0-1", "0-1"]


def test_back_translation_tells_an_extra_sentence_from_a_split():
    """The extra target sentence shares no words with the source in the back-translation, so it
    stands alone (0-1). Without a back-translation the omission model gets there from lengths:
    joined to its neighbour (1-2) it would make the target far too long for the source."""
    src = ["The board fired the chief executive on Friday afternoon.",
           "Employees threatened to resign in large numbers.",
           "Investors asked for a quick return of the founder."]
    tgt = ["أقال المجلس الرئيس التنفيذي بعد ظهر الجمعة.", "هدد الموظفون بالاستقالة بأعداد كبيرة.",
           "وكان الطقس باردا في المدينة.", "طالب المستثمرون بعودة سريعة للمؤسس."]
    bt = ["The board dismissed the chief executive on Friday afternoon.",
          "The employees threatened resignation in large numbers.",
          "The weather was cold in the city.", "The investors demanded a fast return of the founder."]
    gold = [((0, 1), (0, 1)), ((1, 2), (1, 2)), ((2, 2), (2, 3)), ((2, 3), (3, 4))]
    assert beads_of(align(src, tgt)) == gold
    df = align(src, tgt, tgt_bt=bt)
    assert beads_of(df) == gold
    # The back-translation makes the aligner surer of the 0-1 bead than lengths alone do.
    assert df["conf"][2] >= align(src, tgt)["conf"][2]
    # A back-translation with gaps (None) is used where present and ignored elsewhere.
    assert_partition(align(src, tgt, tgt_bt=[None, None, bt[2], None]), 3, 4)


def test_transliterated_names_match_by_consonant_skeleton():
    assert name_skeletons("Donald Trump met Altman in Washington.") & word_skeletons(
        "التقى دونالد ترامب بألتمان في واشنطن.") >= {"trmb", "tnlt", "ltmn"}
    assert not name_skeletons("Musk wrote to Toner.") & word_skeletons("كتب المجلس رسالة طويلة أمس.")


def plain_sentence(rng: random.Random, lo: int = 4, hi: int = 30) -> str:
    """A sentence with no anchors (no number, no capitalised name after the first word): only its
    length can tell where it went."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 40), st.booleans(), st.integers(1, 3))
def test_partition_holds_with_layout_and_back_translation(seed, n, with_bt, per_para):
    """Whatever the layout (paragraphs, line starts) and with or without a back-translation with
    gaps, every sentence of each side is in exactly one bead, in order."""
    rng = random.Random(seed)
    src = [plain_sentence(rng, 1, 12) for _ in range(n)]
    tgt = [plain_sentence(rng, 1, 12) for _ in range(rng.randint(0, n + 3))]
    sp = [k // per_para for k in range(len(src))]
    tp = [k // rng.randint(1, 3) for k in range(len(tgt))]
    bt = [rng.choice([None, s]) for s in tgt] if with_bt else None
    df = align(src, tgt, sp, tp, [rng.random() < 0.5 for _ in src], [rng.random() < 0.5 for _ in tgt], tgt_bt=bt)
    assert_partition(df, len(src), len(tgt))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(8, 40), st.data(), st.booleans())
def test_a_dropped_sentence_is_its_own_1_0_bead(seed, n, data, anchored):
    """A clean pair (the target says each source sentence at the same length) with one target
    sentence dropped. With a number in every sentence (an anchor that survives translation) the
    dropped one comes out as its own 1-0 bead and every other bead is 1-1. With lengths as the only
    evidence, which of two similar sentences went missing cannot always be told, and the drop can
    still hide in a 2-1 "merge" (hypothesis found one: lengths 17, 126, 81, 45, 129, 18, 34, 47
    with the 126 dropped gives one 2-1 bead, no 1-0): there the claim is only that the damage
    stays local, one bead that is not 1-1 and every other bead 1-1. Both hold when the dropped sentence
    is not short next to its neighbours (at least half as long as the longer of them, and 40
    characters). At least 8 sentences: the expected target length comes from the document's own
    length ratio, which a missing sentence skews in a very short document. Not the first or last
    sentence: a drop there leaves the next bead starting (ending) at the document's edge on one
    side only, which the layout term charges like a moved paragraph break (a known weakness)."""
    rng = random.Random(seed)
    make = (lambda q: sentence(rng, q)) if anchored else (lambda q: plain_sentence(rng, 4, 30))
    src = [make(q) for q in range(n)]
    k = data.draw(st.integers(1, n - 2))
    longest_neighbour = max(len(src[k - 1]), len(src[k + 1]))
    assume(len(src[k]) >= max(40, longest_neighbour / 2))
    tgt = src[:k] + src[k + 1:]
    df = align(src, tgt)
    assert_partition(df, n, n - 1)
    beads = df["bead"].to_list()
    assert len(beads) - beads.count("1-1") == 1  # one bead holds the drop; every other is 1-1
    if anchored:
        assert beads.count("1-0") == 1 and beads.count("1-1") == n - 1
        assert ((k, k + 1), (k, k)) in beads_of(df)
    else:
        assert beads.count("1-0") + beads.count("2-1") == 1


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 40))
def test_clean_pair_is_all_1_1_and_confident(seed, n):
    rng = random.Random(seed)
    src = [sentence(rng, q) for q in range(n)]
    df = align(src, list(src))
    assert df["bead"].to_list() == ["1-1"] * n
    assert min(df["conf"]) > 0.9


def test_a_sentence_wrapped_on_both_sides_stays_one_bead():
    """The source and the MT both break a sentence across two lines at the same place: one 2-2
    bead (the whole sentence for the reviewer), not two 1-1 beads of half sentences, although the
    halves pair up one to one."""
    src = ["- Dr. Smith disagreed with the board.", "- Nobody answered", "the letter."]
    tgt = ["- لم يوافق الدكتور سميث على المجلس.", "- لم يرد أحد على", "الرسالة."]
    kinds = ["bullet", "bullet", "text"]
    df = align(src, tgt, [1, 1, 1], [1, 1, 1], [True] * 3, [True] * 3, kinds, kinds)
    assert beads_of(df) == [((0, 1), (0, 1)), ((1, 3), (1, 3))]
