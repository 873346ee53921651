"""The imitated Audience-Align Demand API (seed 004), under /sandbox/audience-align/v1/."""
