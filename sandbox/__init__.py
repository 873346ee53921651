"""A local imitation of the Cint Exchange Demand API, at the wire.

Mounted at /sandbox/ when SANDBOX_ENABLED: the API under /sandbox/cint/v1 (the
contract's paths), the OAuth token endpoint at /sandbox/cint/oauth/token.

Public entry points:
* `sandbox.seed.ensure_account(account_id)`, `ensure_schedule()`
* `sandbox.simulation.simulate_step(now=None, rng=None, deliver=True)`
* `sandbox.events.deliver_pending()` (send recorded webhook deliveries now)
* `sandbox.faults.fault_settings()`, `set_faults(**rates)`, `override_faults(**rates)`
"""
