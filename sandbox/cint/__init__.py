"""The Cint Exchange Demand API, imitated at the wire under /sandbox/cint/.

Its views, URLs, wire rules (bearer token, `Cint-API-Version`, idempotency keys,
ETags, the contract's `Error` body, cursor pagination), CloudEvents webhooks, the
fielding and reconciliation rules, and its seed data. Models stay in the `sandbox`
app (`sandbox.models`); faults, ids and the applied-request log are shared.
"""
