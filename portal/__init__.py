"""Advisor portal: a separate Django project that talks to the scoring API over HTTP only."""
