"""The parts of a page a settled change touched, re-rendered from fresh data as out-of-band swaps.

A change kind says which blocks it touches (`ChangeKind.touches`: keys such as ``"header"``,
``"profile:12"``, ``"interlocks"``, ``"fielding"``; the first is where its badge shows). The
apps that draw those blocks register a renderer per name in their `blocks` module:
``register_block("profile", render)``, where ``render(request, change, arg)`` returns the
block's HTML with ``hx-swap-oob`` on its root element (or "" when it has nothing to show).
Re-rendering only those blocks leaves the rest of the page, and what a PM is typing there, alone.
"""

from .kinds import kind_of

RENDERERS = {}


def register_block(name, render):
    RENDERERS[name] = render


def render_touched(request, change):
    """The HTML of every block `change` touched, each ready to be swapped in out of band."""
    parts = []
    for key in kind_of(change).touches(change):
        name, _, arg = key.partition(":")
        render = RENDERERS.get(name)
        if render is not None:
            parts.append(render(request, change, arg))
    return "".join(part for part in parts if part)
