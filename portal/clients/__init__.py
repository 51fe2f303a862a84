"""Advisor pages: client search, the explained score, comparisons and the what-if simulation."""
