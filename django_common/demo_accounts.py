"""The demo accounts both Django projects create (``manage.py demo_setup``, run by bin/release
with RELEASE_DEMO_SETUP=1): the admin superuser, the same in each project's database."""
from __future__ import annotations

from django.contrib.auth import get_user_model


def ensure_admin(username: str, password: str) -> bool:
    """Create the superuser ``username``, or update it: staff, superuser and active again, its
    password set to ``password``. True when it was created."""
    admin, created = get_user_model().objects.get_or_create(username=username)
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.set_password(password)
    admin.save()
    return created
