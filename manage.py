#!/usr/bin/env python
"""Django's command-line utility for both projects of this repository.

Choose the project with DJANGO_PROJECT (``scoring_api``, the default, or ``portal``);
DJANGO_SETTINGS_MODULE or ``--settings`` still win when given, e.g.

    DJANGO_PROJECT=portal python manage.py runserver 8001
    python manage.py check --deploy --settings=scoring_api.config.settings.production
"""
import os
import sys

PROJECTS = ("scoring_api", "portal")


def main() -> None:
    project = os.environ.get("DJANGO_PROJECT", "scoring_api")
    if project not in PROJECTS:
        sys.exit(f"DJANGO_PROJECT must be one of {', '.join(PROJECTS)}, not {project!r}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{project}.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
