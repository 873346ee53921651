from django.utils import timezone


def time_zone(request):
    """`time_zone`: the name of the zone the page shows times in, for labels ("Europe/Berlin"), and its
    offset from UTC now, in minutes (the browser's script compares it with its own)."""
    offset = timezone.localtime().utcoffset()
    return {"time_zone": timezone.get_current_timezone_name(), "utc_offset_minutes": int(offset.total_seconds() // 60)}
