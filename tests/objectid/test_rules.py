"""Object ID rules that need no app: measurements, dates, statuses."""

import pytest

from registry.objectid.dates import parse_year_range
from registry.objectid.measurements import from_cm, parse_measurements, to_cm, to_kg
from registry.objectid.standard import InvalidRecord, check_status, check_year_range


@pytest.mark.parametrize(
    "text, expected",
    [
        ("c. 1650", (1650, 1650)),
        ("1500-1600", (1500, 1600)),
        ("18th century", (1701, 1800)),
        ("2000–1500 BC", (-2000, -1500)),
        ("3rd-2nd century BC", (-300, -101)),
        ("Ming dynasty, 1368-1644", (1368, 1644)),
        ("undated", (None, None)),
    ],
)
def test_year_range_is_read_from_period_text(text, expected):
    assert parse_year_range(text) == expected


def test_measurements_are_normalised_to_cm_and_kg():
    assert parse_measurements("H 23 cm; W 10.5 cm; Diam. 4 cm; 1.2 kg") == {
        "height_cm": 23.0, "width_cm": 10.5, "diameter_cm": 4.0, "weight_kg": 1.2,
    }
    assert parse_measurements("23 x 10 x 5 cm") == {"height_cm": 23.0, "width_cm": 10.0, "depth_cm": 5.0}
    assert parse_measurements("h. 120 mm, 350 g") == {"height_cm": 12.0, "weight_kg": 0.35}
    assert parse_measurements("Height: 9 in") == {"height_cm": 22.86}
    assert parse_measurements("") == {}


def test_unit_conversion_round_trips():
    assert to_cm(250, "mm") == 25.0
    assert from_cm(to_cm(12, "in"), "in") == 12
    assert to_kg(500, "g") == 0.5


def test_status_and_year_rules():
    assert check_status("Stolen") == "stolen"
    assert check_status("") == "inventory"
    with pytest.raises(InvalidRecord, match="unknown status"):
        check_status("misplaced")
    with pytest.raises(InvalidRecord, match="backwards"):
        check_year_range(1900, 1800)
