from django.utils import timezone
from django.utils.functional import lazy


def _zoned(text):
    return f"{text} ({timezone.get_current_timezone_name()})"


# A form label naming the zone its date and time are typed in: "Fielding end (Europe/Berlin)",
# worked out when the form is drawn, in the PM's zone.
zoned = lazy(_zoned, str)
