"""Settings split by environment (cookiecutter-django style): base, local, production, test."""
