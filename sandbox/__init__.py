"""Local imitations of the suppliers' APIs, at the wire (layout: sandbox/NOTES.md).

Mounted at /sandbox/ when SANDBOX_ENABLED, one part per supplier: Cint's API under
/sandbox/cint/v1 (the contract's paths), its OAuth token endpoint at
/sandbox/cint/oauth/token. Faults, ids, the applied-write log and the respondent
simulation are shared by the parts.

Public entry points:
* `sandbox.seed.ensure_account(account_id)`, `ensure_schedule()`, `user_id(account_id, email)`
* `sandbox.simulation.simulate_step(now=None, rng=None, deliver=True)`
* `sandbox.events.deliver_pending()` (send recorded webhook deliveries now)
* `sandbox.faults.fault_settings()`, `set_faults(**rates)`, `override_faults(**rates)`, `reseed(seed)`
* `sandbox.wire.supplier_api(...)`, the shared wire layer a supplier part builds on
"""
