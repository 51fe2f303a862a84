"""Advisors: login, the "advisor" group, the audit log of who looked at which client."""
