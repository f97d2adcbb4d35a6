"""English: punctuation with the abbreviations common in official speeches."""

from __future__ import annotations

from toolkit.segment.latin import LatinRules, LatinSegmenter, words

NEVER_FINAL = words(
    """
    h.e h.r.h h.m h.h mr mrs ms messrs mme dr prof gen lt col maj capt cmdr adm sgt brig
    hon rev sen rep amb pres gov sec dep min st mt art arts para paras vol vols ch
    fig p pp e.g i.e cf viz approx est dept univ assn det sens reps supt insp v vs
    """
)
MAYBE_FINAL = words("etc a.m p.m u.s u.s.a u.n u.k e.u ltd inc co corp jr sr bros plc al")
BEFORE_NUMBER = words("no nos jan feb mar apr jun jul aug sep sept oct nov dec")
OPENERS = words(
    """
    the a an i we you he she it they this that these those there our my his her its their
    in on at for from to with as by after before during when while if since although though
    however but and so thus therefore today tomorrow yesterday now finally first second third
    let please thank may allow ladies excellencies distinguished dear what how why where who
    all each every one many some most no nothing mr mrs ms dr h.e
    """
)

RULES = LatinRules(NEVER_FINAL, MAYBE_FINAL, OPENERS, before_number=BEFORE_NUMBER)


def segmenter() -> LatinSegmenter:
    return LatinSegmenter("en", RULES)
