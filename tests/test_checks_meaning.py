"""Meaning checks: back-translation chrF tail, numbers/names lost in the BT, reference chrF, polarity."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from review.checks import meaning as m
from review.checks import run_checks
from review.checks.base import ROW
from review.checks.meaning import _INITIAL_GAP, _name_tokens
from review.checks.spans import find_spans
from review.inputs import load_inputs
from review.schema import BT_CHRF, SEGMENT_SCHEMA, SOURCE, conform

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "musk-letter"


def segments(rows: list[dict]) -> pl.DataFrame:
    base = {"doc": "d", "src_lang": "en", "tgt_lang": "ar", "bead": "1-1"}
    return conform(pl.DataFrame([{**base, "seg": i + 1, **r} for i, r in enumerate(rows)]), SEGMENT_SCHEMA)


def flagged(seg, check):
    out = []
    for f in run_checks(seg, only=[check]).iter_rows(named=True):
        text = seg.filter(pl.col("seg") == f["seg"])[f["side"]][0]
        out.append((f["seg"], f["side"], f["message"], text[f["start"]:f["end"]] if f["start"] is not None else None))
    return out


LONG = "The former board members have said almost nothing about their reasoning so far this week."


def test_bt_low_chrf_flags_a_back_translation_that_says_something_else():
    seg = segments([
        {"source": LONG, "target": "x", "bt": "The former board members said almost nothing about their reasoning this week."},
        {"source": LONG, "target": "x", "bt": "A cat sleeps quietly on the warm kitchen floor all day."},
        {"source": "It may well be a hoax.", "target": "x", "bt": "Perhaps it is a trick."},  # short: not judged
        {"source": "", "target": "اترك تعليقاً", "bt": "Leave a comment", "bead": "0-1"},
    ])
    found = flagged(seg, "bt_low_chrf")
    assert [(s, side) for s, side, _, _ in found] == [(2, "bt")]
    assert "A cat sleeps" in found[0][2]


def test_bt_low_chrf_uses_precomputed_metric_column():
    seg = segments([{"source": LONG, "target": "x", "bt": LONG}]).with_columns(pl.lit(12.0).alias(BT_CHRF))
    assert [s for s, *_ in flagged(seg, "bt_low_chrf")] == [1]  # trusts the column, not recomputed


def test_no_bt_no_flags():
    seg = segments([{"source": LONG, "target": "x"}])
    assert flagged(seg, "bt_low_chrf") == [] and flagged(seg, "bt_missing") == []


def test_bt_missing_numbers_and_names():
    seg = segments([
        {"source": "Between January 2018 and July 2020 attrition was 50%.", "target": "x",
         "bt": "Between January 2018 and July 2021 attrition was about 50%."},
        {"source": "There is no evidence that the letter Musk shared is genuine.", "target": "x",
         "bt": "There is no evidence that the letter that the musk shared is real."},
        {"source": "It was later reposted on GitHub by a person who told Gizmodo.", "target": "x",
         "bt": "Then it was republished on GitHub by someone who told the Gizmodo website."},
        {"source": "The figure was 2,500 in ٢٠١٨.", "target": "x", "bt": "The figure was 2500 in 2018."},
    ])
    found = flagged(seg, "bt_missing")
    assert [(s, frag) for s, _, _, frag in found] == [(1, "2020"), (2, "Musk")]
    assert "common word 'musk'" in found[1][2]


def test_ref_low_chrf():
    ref = "أرسلت الرسالة إلى مجلس الإدارة يوم الثلاثاء الماضي بعد اجتماع طويل."
    seg = segments([{"source": LONG, "target": ref, "reference": ref},
                    {"source": LONG, "target": "قطة نائمة على الأرض", "reference": ref}])
    assert [s for s, *_ in flagged(seg, "ref_low_chrf")] == [2]


@pytest.mark.parametrize("source,target,side,fragment", [
    ("The company did not respond.", "استجابت الشركة على الفور.", "source", "not"),
    ("He never answered.", "أجاب دائما.", "source", "never"),
    ("The company responded quickly.", "لم تستجب الشركة بسرعة.", "target", "لم"),
    ("They must not be defiant.", "يجب أن يعارضوا.", "source", "not"),
    ("No, I will wait.", "كلا، سأنتظر.", None, None),  # both negated: quiet (see below)
    ("The talks went well on both sides.", "كلا، لم تنجح المحادثات.", "target", "كلا"),
    ("It is only a matter of time.", "ليس الأمر سوى مسألة وقت.", None, None),
])
def test_polarity_true_positives(source, target, side, fragment):
    found = flagged(segments([{"source": source, "target": target}]), "polarity")
    if side is None:
        assert found == []
        return
    (found,) = found
    assert found[1] == side and found[3] == fragment and fragment in found[2]


@pytest.mark.parametrize("source,target", [
    ("The company did not respond.", "لم تستجب الشركة."),
    ("It is unclear what will happen.", "من غير الواضح ما سيحدث."),  # un- and غير
    ("OpenAI is a nonprofit.", "OpenAI منظمة غير ربحية."),
    ("It must have been a comfort.", "لا بد أنها كانت عزاء."),  # لا بد = must
    ("especially the claims against Sam", "ولا سيما مزاعم سوء السلوك ضد سام"),
    ("not only money but time", "المال والوقت معا"),
    ("We can no longer stand idly by.", "ولم يعد بإمكاننا الوقوف مكتوفي الأيدي."),
    ("It aims to be No.1 in AI.", "تهدف لأن تصبح الأولى."),
    ("Without word from the board, it is impossible to say.", "بدون معلومات من المجلس يستحيل القول."),
    ("It is still unclear.", "لا يزال الأمر غامضا."),
    # findings on professional translations (NTREX, symfony, bleachbit)
    ("They must not be defiant.", "يجب الا يعارض."),  # ألا written without its hamza
    ("The conflict was stoked by politicians on both sides.", "أشعل السياسيون من كلا الجانبين الصراع."),
    ("She sang 'La Bomba' on stage.", "غنت \"لا بومبا\" على المسرح."),
    ("The Bells of St. Martin's Fall Silent", "لن يتم دق أجراس سانت مارتن"),
    ("but now we are stuck, he said.", "ولكننا الآن لا نستطيع الإفلات من هذا."),
    ("Again Thomson looked away.", "ولكن مرة أخرى لم يهتم تومسون."),
    ("There looked to be more hope than belief.", "بدا أن هناك أملاً أكبر وليس يقينًا."),
    ("The price has scarcely changed.", "لم يطرأ أي تغيير على السعر."),
    ("It has yet to be determined.", "لم يتم تحديد ذلك بعد."),
    ("never more so than at competitions like these", "وخاصةً في منافسات مثل هذه"),
    ("not least the form of Spieth", "لاسيما مستوى سبيث"),
    ("the advice they give, the advice they don't, and the way", "والنصيحة التي يقدمونها، أو يخفونها، والطريقة"),
    ("He was reunited with his old friend.", "ولم شمله مع صديقه القديم."),
    ("And if you continue the fashion statement, you are in luck.", "وإذا لم تفوت بيان الأزياء، فأنت محظوظ."),
    ("The host could not be resolved.", "يتعذر الإتصال بالنطاق."),
    ("You would lose resume for past sessions", "لن تستطيع استئناف الجلسات السابقة"),
    ("his last trip did not go well.", "لكنزيارتهالأخيرةلمتسرعلىمايرامبعدذلكأبدا."),  # spaces lost
    ("The host could not be resolved.", "The host could not be resolved."),  # untranslated
])
def test_polarity_look_alikes_do_not_fire(source, target):
    assert flagged(segments([{"source": source, "target": target}]), "polarity") == []


def test_demo_meaning_checks():
    if not (DEMO / "ar.bt.txt").is_file():
        pytest.skip("demo back-translation not written yet")
    from review.inputs import load_pair

    seg = load_pair(DEMO / "en.txt", DEMO / "ar.mt.txt", bt=DEMO / "ar.bt.txt").segments
    lost = {frag for _, _, _, frag in flagged(seg, "bt_missing")}
    assert {"Musk", "Verge", "Information"} <= lost
    assert flagged(seg, "polarity") == []


# --------------------------------------------------------------------------- bt_divergence
LETTER = "The letter was sent to the board on Tuesday morning by the staff."
LETTER_BT = "The letter was sent to the board of directors on Tuesday morning by the employees."


def _bt_fragments(seg):
    return [(s, side, frag) for s, side, _, frag in flagged(seg, "bt_divergence")]


def test_bt_divergence_word_the_document_keeps_elsewhere():
    rows = [{"source": LETTER, "target": "x", "bt": LETTER_BT} for _ in range(6)]
    rows.append({"source": "The letter alleges a pattern of abuses by the founders.", "target": "x",
                 "bt": "The lawsuit alleges a pattern of abuses on behalf of the founders."})
    found = flagged(segments(rows), "bt_divergence")
    assert [(s, side, frag) for s, side, _, frag in found] == [(7, "bt", "lawsuit")]
    assert "'letter'" in found[0][2] and "6 other segments" in found[0][2]


def test_bt_divergence_part_of_a_word_lost_and_terms_translated_word_by_word():
    seg = segments([
        {"source": "He used discriminatory language against a transgender team member.", "target": "x",
         "bt": "He used discriminatory language against a member of the gender transition team."},
        {"source": "Those who questioned it were written off as “bad culture fits” and let go.", "target": "x",
         "bt": "Those who doubted it were rejected as “bad cultural occasions” and dismissed."},
        {"source": "X released Grok, an anti-woke chatbot.", "target": "x",
         "bt": "X released Grok, an anti-awakening chat robot."},
    ])
    assert _bt_fragments(seg) == [(1, "bt", "gender"), (2, "bt", "bad cultural occasions"),
                                  (3, "bt", "anti-awakening")]


def test_bt_divergence_paraphrase_of_a_literal_back_translation_is_quiet():
    seg = segments([
        # synonyms and reordering, the affix back as a word of its own, a term kept whole
        {"source": "Altman and Brockman were pushed out and then reinstated in a failed coup.", "target": "x",
         "bt": "Altman and Brockman were dismissed and then reappointed in a failed coup."},
        {"source": "It describes a troubling pattern of deceit, mistrust and infighting.", "target": "x",
         "bt": "It describes a disturbing pattern of deception, distrust and internal fighting."},
        {"source": "Although OpenAI is a nonprofit, it set up a for-profit arm.", "target": "x",
         "bt": "Although OpenAI is a non-profit organization, it organized a for-profit wing."},
        {"source": "The CEO ran “investigations” into a self-driving car program.", "target": "x",
         "bt": "The chief executive conducted “investigations” into a self-driving car program."},
        # a word kept in only two other segments is no evidence
        {"source": "The person told Gizmodo.", "target": "x", "bt": "The person told Gizmodo."},
        {"source": "The person told Gizmodo again.", "target": "x", "bt": "The person told Gizmodo again."},
        {"source": "The person affected left.", "target": "x", "bt": "The affected individual left."},
        {"source": "", "target": "اترك تعليقاً", "bt": "Leave a comment", "bead": "0-1"},
    ])
    assert _bt_fragments(seg) == []


def test_demo_bt_divergence_catches_meaning_errors():
    if not (DEMO / "ar.bt.txt").is_file():
        pytest.skip("demo back-translation not written yet")
    from review.inputs import load_pair

    seg = load_pair(DEMO / "en.txt", DEMO / "ar.mt.txt", bt=DEMO / "ar.bt.txt").segments
    frags = {frag for _, _, _, frag in flagged(seg, "bt_divergence")}
    assert {"lawsuit", "gender", "anti-awakening", "search", "bad cultural occasions"} <= frags
    assert len({s for s, *_ in flagged(seg, "bt_divergence")}) <= 10


# --------------------------------------------------------------------------- polarity: tokens, names, counts
@pytest.mark.parametrize("source,target", [
    ("Felice said the plan works.", "وقال فليس إن الخطة ناجحة."),  # a name with the letters of ف + ليس
    ("Phyllis agreed with the board.", "وافقت فليس على رأي المجلس."),
    ("The team struggled in the second half.", "لم ينجح الفريق في الشوط الثاني."),  # a paraphrase
    ("He missed the meeting.", "لم يحضر الاجتماع."),
    ("It was neither ordered nor carried out by him.", "لم يأمر به ولم ينفذه."),  # neither/nor: one
])
def test_polarity_names_and_paraphrases_do_not_fire(source, target):
    assert flagged(segments([{"source": source, "target": target}]), "polarity") == []
    assert flagged(segments([{"source": source, "target": target}]), "negation_count") == []


@pytest.mark.parametrize("source,target", [
    # What is left once the negation is gone must not excuse it: ما as "what", لما, بما, إلا,
    # non-governmental, "to some extent".
    ("They were told they were not needed.", "قيل للمنظمات غير الحكومية إن هناك حاجة إليها."),
    ("He did not say what happened.", "قال جميع ما حدث."),
    ("It did not work, including the backup.", "نجح بما في ذلك النسخة الاحتياطية."),
    ("Ayr were not lucky, to some extent.", "كان آير محظوظًا إلى حد ما."),
    ("Felice did not come.", "جاءت فليس."),  # the name is no negation
])
def test_polarity_lost_negation_is_not_excused_by_look_alikes(source, target):
    (found,) = flagged(segments([{"source": source, "target": target}]), "polarity")
    assert found[1] == "source"


def test_one_dropped_negation_among_several_is_counted():
    src = "He did not win and he will not run again, and he never explained why."
    tgt = "لم يفز وسيترشح مرة أخرى، ولم يشرح السبب أبدا."  # the second negation is gone
    found = flagged(segments([{"source": src, "target": tgt}]), "negation_count")
    assert len(found) == 1 and "3 negations" in found[0][2] and "only 2" in found[0][2]
    assert flagged(segments([{"source": src, "target": tgt}]), "polarity") == []
    full = "لم يفز ولن يترشح مرة أخرى، ولم يشرح السبب أبدا."
    assert flagged(segments([{"source": src, "target": full}]), "negation_count") == []


# --------------------------------------------------------------------------- polarity: \b-free equivalents
TRICKY_TARGETS = [
    "ما كان، ما زال و  ما وما فما بغير لغير غير حكومي وحد ما إلى حد ما بدون ودون فدونه",
    "ما ما", " ما", "، ، ما ! ما و ما وو ما لا لا ولا فلا ألا كلا ليست ليسوا لستم الا والا",
    "«ما» رفضت ورفضوا يستحيل تستحيل مستحيلة تتعذر يتعذر تعذر عجزه فشلوا امتنعت توقفت تجنبا",
    "لا سيما لا بد لم تفوت كلا الجانبين لمّ الشمل فليس وOpenAI لاعب الإعلام", "", "x",
]
TRICKY_SOURCES = ["Not only, nonot only", "lack of it", "without—it", "un-known", "looked away", "more hope than",
                  "Hitless", "La Bomba", "don't,", "It’s", "no.1", "", "lacking", "x-failure", "Forgotten,", "banana",
                  "“Stopped”", "x_unable", "ignor3d", "deny", "denying", "far  from", "LOOKING AWAY", "more or than"]


def test_polarity_word_level_rewrites_match_the_defining_patterns():
    """The \\b-free forms that run (review.checks.meaning, 'Speed') agree with AR_STRONG, AR_WEAK
    and EN_WEAK themselves: contains, spans and counts, on the demo and on tricky strings."""
    demo = load_inputs([str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")]).segments
    texts = demo["target"].fill_null("").to_list() + demo["source"].fill_null("").to_list()
    f = pl.DataFrame({"target": texts + TRICKY_TARGETS + TRICKY_SOURCES}).with_row_index("_row").with_columns(
        pl.col("_row").cast(pl.Int64))
    t = f["target"]
    assert m.AR_STRONG == rf"\b{m._AR_PARTICLE}\b"
    assert t.str.contains(m.AR_STRONG).equals(t.str.contains(m._AR_PARTICLE_ANY))
    assert t.str.contains(m.EN_WEAK).equals(t.str.contains(m._EN_WEAK_ANY))
    want = find_spans(f, "target", m.AR_STRONG).select("_row", "match", "start", "end")
    assert m._ar_particles(f).equals(want)
    counts = f.select("_row", pl.col("target").str.replace_all(m.AR_WEAK_NOT, " ").str.count_matches(m.AR_WEAK)
                      .cast(pl.Int64).alias("_ar_w"))
    assert m._ar_weak_counts(f).equals(counts)
    assert counts["_ar_w"].sum() > 20


def test_name_tokens_initial_read_from_the_gap_before():
    # _name_tokens tests only the matches' gaps: each word's _initial must be what its own gap
    # (the text since the previous match) says, as in a plain Python reading of every match.
    sources = ["Elon Musk met Sam. Altman said", "“Hello” World", "  Paris and  Rome: Berlin", "no names", "",
               "Café Zürich. Noël"]
    frame = pl.DataFrame({ROW: range(len(sources)), SOURCE: sources}, schema={ROW: pl.Int64, SOURCE: pl.String})
    got = _name_tokens(frame, ()).select(ROW, "match", "start", "_initial").rows()
    want = []
    for row, text in enumerate(sources):
        prev = 0
        for k, hit in enumerate(re.finditer(r"(?<![\w])[A-Z][A-Za-z0-9]*(?:[-'][A-Z][A-Za-z0-9]*)*(?![\w])", text)):
            gap = text[prev:hit.start()]
            want.append((row, hit.group(), hit.start(),
                         re.search(_INITIAL_GAP, gap) is not None and (k == 0 or gap.strip() != "")))
            prev = hit.end()
    assert got == want
