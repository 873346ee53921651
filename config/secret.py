"""The secret key: set by the environment, or made once for this machine in the embedded mode.

The embedded mode (the sandbox on, or DEBUG) needs no setup, yet must not share a key with every
other copy of the code: its key is made at the first start and kept in ``var/secret-key``. Without the
sandbox (production) there is no such fallback: several machines must share one key, so it must be set.
"""

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

# The embedded default of earlier versions: public, so refused outside DEBUG wherever it is still set.
PUBLIC_KEY = "embedded-mode-only-not-a-secret"
FILE_NAME = "secret-key"


def secret_key(value, *, debug, embedded, folder):
    if value == PUBLIC_KEY and not debug:
        raise ImproperlyConfigured(
            f"SECRET_KEY is set to the public value {PUBLIC_KEY!r}. Set a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))'), or leave it unset in the embedded mode."
        )
    if value:
        return value
    if not (embedded or debug):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With the sandbox off (production) every web and worker process must share "
            "one long random value: set SECRET_KEY in the environment (see .env.production.example)."
        )
    return _kept_key(folder)


def _kept_key(folder):
    path = folder / FILE_NAME
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f".{FILE_NAME}.{os.getpid()}"
    draft.write_text(secrets.token_urlsafe(50))
    draft.chmod(0o600)
    try:
        os.link(draft, path)  # the first process to start (web or worker) makes it; the others read it
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
