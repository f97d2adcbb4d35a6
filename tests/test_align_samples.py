"""A small hand-made bilingual sample for the alignment and TM tests (written for Mekong).

A Vietnamese speech, its "official" English translation (with a merge, a split and a sentence
missing from the English), and a hand-made, imperfect English machine translation of the
Vietnamese, one line per sentence. GOLD is the alignment a person would draw.
"""

from __future__ import annotations

SOURCE_VI = [
    "Kính thưa quý vị đại biểu, thưa toàn thể quý vị.",
    "Tôi rất vinh dự khai mạc hội thảo khu vực về hợp tác pháp lý này.",
    "Trong năm năm qua, các bộ của chúng ta đã ký mười hai hiệp định.",
    "Các hiệp định này bao gồm dẫn độ và tương trợ tư pháp.",
    "Chúng cũng bao gồm việc chuyển giao người bị kết án.",
    "Tuy nhiên, vẫn còn nhiều việc phải làm.",
    "Tòa án của chúng ta vẫn phải chờ nhiều tháng để được trả lời các yêu cầu đơn giản.",
    "Vì vậy chúng ta phải đơn giản hóa thủ tục và đào tạo cán bộ về các quy định mới.",
    "Đoạn này chỉ có trong bản tiếng Việt và không được dịch.",
    "Bộ Tư pháp sẽ chủ trì cuộc họp tiếp theo tại Viêng Chăn vào tháng 3 năm 2025.",
    "Chúc quý vị thảo luận thành công.",
    "Xin cảm ơn.",
]

MT_EN = [
    "Dear distinguished delegates, dear all of you.",
    "I am very honoured to open this regional workshop on legal cooperation.",
    "In the past five years, our ministries have signed twelve agreements.",
    "These agreements include extradition and mutual legal assistance.",
    "They also include the transfer of sentenced persons.",
    "However, there is still much work to do.",
    "Our courts still have to wait many months to get answers to simple requests.",
    "So we must simplify procedures and train staff on the new rules.",
    "This passage exists only in the Vietnamese version and is not translated.",
    "The Ministry of Justice will chair the next meeting in Vientiane in March 2025.",
    "Wish you successful discussions.",
    "Thank you.",
]

TARGET_EN = [
    "Excellencies, distinguished delegates, ladies and gentlemen.",
    "It is a great honour for me to open this regional workshop on legal cooperation.",
    "Over the past five years, our ministries have signed twelve agreements.",
    "These agreements cover extradition, mutual legal assistance and the transfer of "
    "sentenced persons.",
    "Much work remains to be done, however.",
    "Our courts still wait many months for answers to simple requests.",
    "We must therefore simplify our procedures.",
    "We must also train our staff in the new rules.",
    "The Ministry of Justice will host the next meeting in Vientiane in March 2025.",
    "I wish you successful discussions.",
    "Thank you.",
]

GOLD = [
    ([0], [0]),
    ([1], [1]),
    ([2], [2]),
    ([3, 4], [3]),
    ([5], [4]),
    ([6], [5]),
    ([7], [6, 7]),
    ([8], []),
    ([9], [8]),
    ([10], [9]),
    ([11], [10]),
]


def test_gold_covers_every_sentence_once_in_order():
    src = [i for s, _ in GOLD for i in s]
    tgt = [j for _, t in GOLD for j in t]
    assert src == list(range(len(SOURCE_VI))) == list(range(len(MT_EN)))
    assert tgt == list(range(len(TARGET_EN)))
