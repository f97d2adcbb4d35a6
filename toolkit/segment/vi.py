"""Vietnamese: the English rules plus Vietnamese titles and administrative abbreviations."""

from __future__ import annotations

from toolkit.segment.en import MAYBE_FINAL as EN_MAYBE
from toolkit.segment.en import NEVER_FINAL as EN_NEVER
from toolkit.segment.en import RULES as EN_RULES
from toolkit.segment.latin import LatinRules, LatinSegmenter, words

# Academic and professional titles and place types; they combine with dots: "PGS.TS.".
TITLE_PARTS = words(
    """
    gs pgs ts tskh ths ncs bs bsck ckii cki ks cn ls ktv nsnd nsut nd gv gvc tp tx tt q p h
    x đc th s ub ubnd hđnd đbqh
    """
)
NEVER_FINAL = EN_NEVER | TITLE_PARTS | words("pgs.ts gs.ts gs.tskh pgs.tskh th.s ts.bs tr đ/c")
MAYBE_FINAL = EN_MAYBE | words("v.v tw")
OPENERS = words(
    """
    tôi chúng ta các những này đây đó trong theo tại với về để do vì khi nếu tuy nhưng và
    song ngoài bên hiện năm ngày thưa kính xin cảm nhân việt một hai ba bộ ông bà anh chị
    chính nhà người đồng
    """
)

RULES = LatinRules(NEVER_FINAL, MAYBE_FINAL, OPENERS, TITLE_PARTS, EN_RULES.before_number)


def segmenter() -> LatinSegmenter:
    return LatinSegmenter("vi", RULES)
