"""The order PureSpectrum takes many quotas' new quantities and current targets in, and what is left out
because the survey already has it (a retry after a half-applied send)."""

import pytest

from suppliers.purespectrum.quotas import QUANTITY, TARGET, figure_writes


def listed(quantity, target):
    return {"quantities": {"number": quantity, "current_target": target}}


@pytest.mark.parametrize(
    ("now", "quantity", "target", "writes"),
    [
        # Lowered below its target: the target comes down first (to the one asked, or to the quantity).
        ((200, 200), 120, 100, [(TARGET, 100), (QUANTITY, 120)]),
        ((200, 150), 90, None, [(TARGET, 90), (QUANTITY, 90)]),
        ((200, 50), 90, None, [(QUANTITY, 90)]),
        # Raised: the quantity first, then a target above the old quantity.
        ((200, 150), 300, 250, [(QUANTITY, 300), (TARGET, 250)]),
        # An uncapped target follows its raised quantity: nothing more to write.
        ((200, 200), 300, 300, [(QUANTITY, 300)]),
        ((200, 200), 300, 200, [(QUANTITY, 300), (TARGET, 200)]),
        # Half applied before a failure: only the rest.
        ((300, 150), 300, 250, [(TARGET, 250)]),
        ((200, 100), 120, 100, [(QUANTITY, 120)]),
        ((120, 100), 120, 100, []),
    ],
)
def test_writes_come_in_an_order_purespectrum_takes_and_skip_what_it_has(now, quantity, target, writes):
    targets = {} if target is None else {"q": target}

    assert figure_writes({"q": listed(*now)}, {"q": quantity}, targets) == [("q", what, n) for what, n in writes]


def test_a_quota_the_survey_no_longer_has_stops_everything_before_a_write():
    with pytest.raises(KeyError, match="gone"):
        figure_writes({"q": listed(200, 200)}, {"q": 100, "gone": 50}, {})
