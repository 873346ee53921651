from django.utils import timezone


def time_zone(request):
    """`time_zone`: the name of the zone the page shows times in, for labels ("Europe/Berlin")."""
    return {"time_zone": timezone.get_current_timezone_name()}
