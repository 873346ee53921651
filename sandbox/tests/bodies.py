"""Request bodies for driving the sandbox in tests, kept at this path for other apps'
tests: the Cint part's bodies live in `sandbox.cint.tests.bodies`."""

from sandbox.cint.tests.bodies import draft_body, later, new_key

__all__ = ["draft_body", "later", "new_key"]
