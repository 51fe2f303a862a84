"""Errors of the scoring app; the project's exception handler gives them the API's error shape."""
from rest_framework import exceptions


class ClientNotFound(exceptions.NotFound):
    default_code = "client_not_found"

    def __init__(self, client_id: int) -> None:
        super().__init__(f"Client {client_id} inconnu.")
