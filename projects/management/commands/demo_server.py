"""The embedded mode's web server (`make run`): the development server that `runserver` is here, which
says the demo's logins as the last line of its start, once it answers, where a person looks."""

from django.contrib.auth.models import User
from django.core.management import get_commands, load_command_class

from .seed_demo import LOGINS, login_words

# Whichever `runserver` the installed apps give (WhiteNoise's, which leaves static files to WhiteNoise).
RunServer = type(load_command_class(get_commands()["runserver"], "runserver"))


class Command(RunServer):
    help = "Start the development server, then say how to log in to the demo (when it is seeded)."

    def on_bind(self, server_port):
        super().on_bind(server_port)
        if User.objects.filter(username__in=[login[0] for login in LOGINS]).exists():
            host = f"[{self.addr}]" if self._raw_ipv6 else ("0.0.0.0" if self.addr == "0" else self.addr)
            self.stdout.write(self.style.SUCCESS(login_words(f"{self.protocol}://{host}:{server_port}/")))
