"""Chart labels are fitted by width, so Korean labels neither overflow nor get cut at a character count."""
from webapp.insights.analytics.charts import LABEL_GAP, MAX_LABEL_WIDTH, bar_chart, text_width


def test_a_korean_label_is_measured_wider_than_a_latin_one_of_the_same_length():
    assert text_width("정보보안교육") > 1.5 * text_width("Safety")


def test_short_labels_are_whole_and_the_column_fits_the_widest():
    chart = bar_chart("Most watched", [("정보보안 교육", 3), ("Fire drill", 1)])
    assert [bar.label for bar in chart.bars] == ["정보보안 교육", "Fire drill"]
    assert chart.label_width >= text_width("정보보안 교육")
    assert chart.width == chart.label_width + 400


def test_long_labels_are_shortened_to_the_column_and_keep_their_full_text():
    korean = "신입사원을 위한 정보보안 및 개인정보 보호 필수 교육 과정 2026년 상반기"
    english = "Information security and privacy essentials for new employees, first half of 2026"
    chart = bar_chart("Most watched", [(korean, 5), (english, 4)])
    assert chart.label_width == MAX_LABEL_WIDTH
    for bar, full in zip(chart.bars, [korean, english]):
        assert bar.label.endswith("…") and full.startswith(bar.label[:-1])
        assert text_width(bar.label) <= MAX_LABEL_WIDTH - LABEL_GAP
        assert bar.full_label == full
    # The same column holds fewer Korean characters than Latin ones.
    assert len(chart.bars[0].label) < len(chart.bars[1].label)
