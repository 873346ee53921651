"""The request and answer bodies of seed 002 (PureSpectrum: edit a quota's quantity), read
from ``../shared/reference/seeds/`` (tests that use them skip when it is absent).

The seed prints each body after its line numbers ("1 2 3 … { … }") and elides some parts as
``{...}``; those read as empty objects.
"""

import json
import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "seeds" / "002_cf70e24a23394c96.txt"
PATH = "/surveys/7654/quotas/qb30"  # the seed's request path, below $apihost/$basepath


def bodies():
    """[PUT request, PUT answer, PATCH request, PATCH answer, deprecated request, deprecated answer]."""
    if not SEED.exists():
        pytest.skip(f"seed 002 is not at {SEED}")
    found = []
    for line in SEED.read_text().splitlines():
        match = re.match(r"^(?:\d+ )+(?=[\[{])", line)
        if match:
            found.append(json.loads(line[match.end() :].replace("{...}", "{}")))
    assert len(found) == 6, f"seed 002 should hold six bodies, found {len(found)}"
    return found


def put_request():
    return bodies()[0]


def put_answer():
    return bodies()[1]


def patch_request():
    return bodies()[2]


def patch_answer():
    return bodies()[3]


def deprecated_request():
    return bodies()[4]


def deprecated_answer():
    return bodies()[5]


def same_shape(ours, theirs, where="answer"):
    """Every field of `theirs` is in `ours` with a value of the same JSON type, and no field more
    (objects the seed elides as ``{...}`` are compared as objects only). Returns the problems."""
    problems = []
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{where} is {type(ours).__name__}, not an object"]
        if theirs:
            for key in sorted(set(theirs) | set(ours)):
                if key not in ours:
                    problems.append(f"{where}.{key} is missing")
                elif key not in theirs:
                    problems.append(f"{where}.{key} is not in the seed")
                else:
                    problems += same_shape(ours[key], theirs[key], f"{where}.{key}")
        return problems
    if isinstance(theirs, list):
        return [] if isinstance(ours, list) else [f"{where} is {type(ours).__name__}, not a list"]
    if type(ours) is not type(theirs):
        problems.append(f"{where} is {type(ours).__name__}, the seed's is {type(theirs).__name__}")
    return problems
