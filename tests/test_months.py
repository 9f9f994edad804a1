import pytest

from loader.months import Month, month_range


def test_parse_and_render():
    assert Month.parse("2021-03") == Month(2021, 3)
    assert str(Month(2021, 3)) == "2021-03"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-13", "must be 01 to 12"),
        ("2021-00", "must be 01 to 12"),
        ("abc", "YYYY-MM"),
        ("2021-3", "YYYY-MM"),
        ("2021-03 ", "YYYY-MM"),
        ("2021-03\n", "YYYY-MM"),
        ("../2021-03", "YYYY-MM"),
        ("2021-03;drop", "YYYY-MM"),
        ("1999-01", "from 2009"),
        ("x" * 5000, "YYYY-MM"),
    ],
)
def test_rejects_bad_months(text, message):
    with pytest.raises(ValueError, match=message) as error:
        Month.parse(text)
    assert len(str(error.value)) < 200  # a long value is not echoed whole


def test_next_previous_and_range():
    assert Month(2020, 12).next() == Month(2021, 1)
    assert Month(2021, 1).previous() == Month(2020, 12)
    months = list(month_range(Month(2020, 11), Month(2021, 2)))
    assert [str(month) for month in months] == ["2020-11", "2020-12", "2021-01", "2021-02"]
    with pytest.raises(ValueError, match="empty"):
        list(month_range(Month(2021, 2), Month(2021, 1)))
