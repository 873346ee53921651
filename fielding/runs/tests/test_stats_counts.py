"""The supplier's performance figures move the target group's own counts: right after a launch the
header does not say 0 completes while the performance block says 16; and the stats block says the
target group's count too, whatever the supplier's intervals hold and however old its read is."""

import re
from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from fielding.conftest import api_calls, make_live, tg_api
from projects.models import TargetGroup
from quotas.tests.factories import ProfileFactory, QuotaFactory
from sync.tests.test_webhooks import SECRET, deliver, quota_fill
from sync.webhooks import apply_pending

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def performance(wire, tg, completes):
    series = {"aggregated_completes_intervals": []}
    wire.add(responses.GET, tg_api(tg, "/completes-aggregated-by-interval"), json=series)
    wire.add(
        responses.GET,
        tg_api(tg, "/performance"),
        json={"entrants": 90, "prescreens": 40, "completes": completes, "incidence_rate": 0.4},
    )


def test_the_stats_move_the_headers_completes(pm_client, project, wire):
    tg, _ = make_live(project, current_completes=0, current_prescreens=0, filling_goal=300)
    performance(wire, tg, 16)

    html = pm_client.get(reverse("fielding:stats", args=[tg.pk]), headers={"HX-Request": "true"}).content.decode()

    assert "<dt>Completes</dt><dd>16</dd>" in html
    # The header's count comes back with the block, swapped in place.
    assert f'id="tg-completes-{tg.pk}" hx-swap-oob="true">16 of 300' in html
    page = pm_client.get(reverse("quotas:target_group", args=[tg.pk])).content.decode()
    assert "16 of 300" in page
    assert TargetGroup.objects.get(pk=tg.pk).current_prescreens == 40


def test_stats_that_say_what_the_header_says_swap_nothing(pm_client, project, wire):
    tg, _ = make_live(project, current_completes=16, filling_goal=300)
    performance(wire, tg, 16)

    html = pm_client.get(reverse("fielding:stats", args=[tg.pk]), headers={"HX-Request": "true"}).content.decode()

    assert "hx-swap-oob" not in html


# --- one number, from one source, whatever the intervals hold or when they were read ------------


def hours_ago(*counts):
    """The supplier's hourly completes, the last interval the current hour."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=len(counts) - 1)
    return [{"timestamp": (start + timedelta(hours=i)).isoformat(), "count": c} for i, c in enumerate(counts)]


def stats(client, tg):
    return client.get(reverse("fielding:stats", args=[tg.pk]), {"interval": "PT1H"}, headers=HTMX).content.decode()


def summary(html):
    return re.search(r'<figcaption id="completes-summary"><strong>([^<]+)</strong>', html).group(1)


def test_the_chart_says_the_completes_the_header_says_when_the_intervals_hold_fewer(pm_client, project, wire):
    # The supplier counted 234 completes, 25 of them not placed in an interval yet: 209 in the intervals.
    tg, _ = make_live(project, current_completes=0, filling_goal=420)
    series = hours_ago(60, 70, 79)
    wire.add(
        responses.GET, tg_api(tg, "/completes-aggregated-by-interval"), json={"aggregated_completes_intervals": series}
    )
    wire.add(responses.GET, tg_api(tg, "/performance"), json={"entrants": 900, "prescreens": 400, "completes": 234})

    html = stats(pm_client, tg)

    assert summary(html) == "234 of 420 completes."
    assert f'id="tg-completes-{tg.pk}" hx-swap-oob="true">234 of 420' in html  # the header, swapped in place
    assert "<dt>Completes</dt><dd>234</dd>" in html
    assert re.search(r'id="cumulative-label"[^>]*>234<', html) and 'data-last="234"' in html
    assert "209 of 420" not in html
    assert "The supplier's intervals hold 209 of these 234 completes so far" in html
    page = pm_client.get(tg.get_absolute_url()).content.decode()
    assert "234 of 420" in page and "209 of 420" not in page


def test_stats_read_a_minute_ago_show_the_count_webhooks_brought_since(client, pm_client, project, wire):
    connection = project.connection
    connection.webhook_id, connection.webhook_secret = "01JPVZD75DW4KRP7MPFMF6KGZX", SECRET
    connection.save()
    tg, _ = make_live(project, current_completes=0, filling_goal=420)
    age = ProfileFactory(target_group=tg, name="GENDER")
    QuotaFactory(profile=age, text="Male", completes_goal=210, completes=100)
    female = QuotaFactory(profile=age, text="Female", completes_goal=210, completes=109)
    series = hours_ago(100, 109)
    wire.add(
        responses.GET, tg_api(tg, "/completes-aggregated-by-interval"), json={"aggregated_completes_intervals": series}
    )
    wire.add(responses.GET, tg_api(tg, "/performance"), json={"entrants": 900, "prescreens": 400, "completes": 209})
    assert summary(stats(pm_client, tg)) == "209 of 420 completes."
    # A quota fill arrives: 25 more women. The header says 234 at once; the stats are still the read of a moment ago.
    assert deliver(client, connection, quota_fill(tg, female.remote_id, completes=134, screens=300)).status_code == 200
    apply_pending()

    html = stats(pm_client, tg)

    assert len(api_calls(wire)) == 2  # no second read: the same statistics, from the cache
    assert summary(html) == "234 of 420 completes." and "<dt>Completes</dt><dd>234</dd>" in html
    header = pm_client.get(reverse("quotas:header", args=[tg.pk]), headers=HTMX).content.decode()
    assert "234 of 420" in header
