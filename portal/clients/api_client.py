"""The only code of the portal that speaks HTTP to the scoring API (contract:
docs/architecture.md, "Scoring API contract"). Timeouts, a retry on connection errors and
502/503/504, and French errors that the views turn into clear pages (never a traceback)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

RETRY_STATUSES = (502, 503, 504)


class ApiError(Exception):
    """Base class: ``status`` is the HTTP status the portal answers with, ``message`` is French."""

    status = 502
    title = "Service de scoring en erreur"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ApiUnavailable(ApiError):
    """The API cannot be reached (refused, DNS, reset) or answers 503."""

    status = 503
    title = "Service de scoring indisponible"


class ApiTimeout(ApiUnavailable):
    """The API did not answer within the configured timeouts."""

    title = "Service de scoring trop lent"


class ApiBadResponse(ApiError):
    """The API answered, but with an error or a body the portal cannot read (502)."""


class ClientNotFound(ApiError):
    """The API does not know this client (404)."""

    status = 404
    title = "Client introuvable"


class PageNotFound(ApiError):
    """A page of search results past the last one (404 ``page_not_found``)."""

    status = 404
    title = "Page de résultats introuvable"


class ApiInvalidInput(ApiError):
    """The API rejected the values sent (400): ``fields`` holds its per-field messages."""

    status = 400
    title = "Valeurs refusées"


class ApiConflict(ApiError):
    """The API refused a write that no longer matches its state (409), e.g. a decision taken on
    a model version that has since been replaced: ``message`` says what to do, in French."""

    status = 409
    title = "Enregistrement refusé"


@dataclass(frozen=True)
class ApiConfig:
    """Where the API is and how patient the portal is with it (from settings / env)."""

    base_url: str
    token: str
    connect_timeout: float
    read_timeout: float
    retries: int

    @classmethod
    def from_settings(cls) -> ApiConfig:
        return cls(
            base_url=settings.SCORING_API_URL.rstrip("/"),
            token=settings.SCORING_API_TOKEN,
            connect_timeout=float(settings.SCORING_API_CONNECT_TIMEOUT),
            read_timeout=float(settings.SCORING_API_READ_TIMEOUT),
            retries=int(settings.SCORING_API_RETRIES),
        )


class _RetryButNotTimeouts(Retry):
    """Retries refused or dropped connections (e.g. a worker restarting) and 502/503/504, but
    not a read timeout: the API is slow, and asking again would only double the wait."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                  _stacktrace=None):  # type: ignore[override]
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _session(config: ApiConfig) -> requests.Session:
    """A pooled session that retries connection errors and 502/503/504 with a short backoff."""
    retry = _RetryButNotTimeouts(
        total=config.retries,
        connect=config.retries,
        read=config.retries,
        status=config.retries,
        status_forcelist=RETRY_STATUSES,
        # POST /score only simulates; POST /clients/<id>/decisions carries a request_id the API
        # deduplicates: both are safe to send again
        allowed_methods=frozenset({"GET", "POST"}),
        backoff_factor=0.1,
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    session = requests.Session()
    # no proxy, .netrc or CA bundle from the environment: the API's address and token are the
    # settings' (and requests would look them up again on every call: measured 3 % of the
    # portal's worker time on the client page)
    session.trust_env = False
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": "pret-a-depenser-portal"})
    if config.token:
        session.headers["Authorization"] = f"Token {config.token}"
    return session


class ScoringApiClient:
    """Typed methods, one per endpoint of the contract; each returns the decoded JSON."""

    def __init__(self, config: ApiConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session or _session(config)

    # -- endpoints ---------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health")

    def model(self) -> dict[str, Any]:
        return self._request("GET", "/model")

    def score(self, client_id: int) -> dict[str, Any]:
        return self._request("GET", f"/score/{client_id}", client_id=client_id)

    def simulate(self, *, base_client_id: int, changes: dict[str, float]) -> dict[str, Any]:
        """What-if: the client's data with ``changes`` applied, scored but never stored as
        the client's decision (the API marks it ``simulation: true``)."""
        body = {"base_client_id": base_client_id, **changes}
        return self._request("POST", "/score", json=body, client_id=base_client_id)

    def recourse(self, client_id: int) -> dict[str, Any]:
        """« Accordé si… »: the smallest changes that would get a refused client granted."""
        return self._request("GET", f"/score/{client_id}/recourse", client_id=client_id)

    def record_decision(self, client_id: int, *, advisor: str, final_decision: str,
                        reason_code: str, comment: str, model_version: str,
                        request_id: str) -> dict[str, Any]:
        """Record the advisor's final decision. ``request_id`` makes a retried POST (after a
        dropped connection) return the first record instead of recording twice."""
        body = {"advisor": advisor, "final_decision": final_decision, "reason_code": reason_code,
                "comment": comment, "model_version": model_version, "request_id": request_id}
        return self._request("POST", f"/clients/{client_id}/decisions", json=body,
                             client_id=client_id)

    def clients(self, *, filters: dict[str, Any], page: int = 1) -> dict[str, Any]:
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        if page > 1:
            params["page"] = page
        return self._request("GET", "/clients", params=params)

    def client(self, client_id: int) -> dict[str, Any]:
        """The client's file: data, and the advisors' decisions on record (``decisions``)."""
        return self._request("GET", f"/clients/{client_id}", client_id=client_id)

    def similar(self, client_id: int, *, k: int = 10) -> dict[str, Any]:
        return self._request(
            "GET", f"/clients/{client_id}/similar", params={"k": k}, client_id=client_id
        )

    def population_features(self) -> dict[str, Any]:
        return self._request("GET", "/population/features")

    def population_stats(
        self, *, feature: str, group: str, client_id: int, bins: int = 20
    ) -> dict[str, Any]:
        params = {"feature": feature, "group": group, "client": client_id, "bins": bins}
        return self._request("GET", "/population/stats", params=params, client_id=client_id)

    def population_scatter(
        self, *, x: str, y: str, group: str, client_id: int, n: int = 500
    ) -> dict[str, Any]:
        params = {"x": x, "y": y, "group": group, "client": client_id, "n": n}
        return self._request("GET", "/population/scatter", params=params, client_id=client_id)

    # -- transport ---------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        client_id: int | None = None,
    ) -> dict[str, Any]:
        url = f"{self.config.base_url}{path}"
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except (requests.ConnectTimeout, requests.ReadTimeout) as error:
            logger.warning("scoring API timeout on %s %s: %s", method, path, error)
            raise ApiTimeout(
                "Le service de scoring ne répond pas assez vite. Réessayez dans quelques "
                "instants ; si le problème persiste, prévenez le support."
            ) from error
        except requests.RequestException as error:
            logger.warning("scoring API unreachable on %s %s: %s", method, path, error)
            raise ApiUnavailable(
                "Le service de scoring est momentanément indisponible. Réessayez dans "
                "quelques instants ; si le problème persiste, prévenez le support."
            ) from error
        return _decode(response, client_id=client_id)


def _decode(response: requests.Response, *, client_id: int | None) -> dict[str, Any]:
    """JSON body of a 2xx answer, else the French error that matches the API's error shape."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok and isinstance(body, dict):
        return body
    error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
    status = response.status_code
    if response.ok:
        raise ApiBadResponse("Le service de scoring a renvoyé une réponse illisible.")
    if status == 404 and error.get("code") == "page_not_found":
        raise PageNotFound(error.get("message") or "Cette page de résultats n'existe pas.")
    if status == 404 and client_id is not None:
        raise ClientNotFound(f"Le client {client_id} est introuvable. Vérifiez son identifiant.")
    if status == 400:
        raise ApiInvalidInput(
            error.get("message") or "Certaines valeurs ont été refusées.",
            fields=error.get("fields") or {},
        )
    if status == 409:
        raise ApiConflict(error.get("message") or "L'enregistrement a été refusé : rechargez "
                          "la page et recommencez.")
    if status in (503, 504):
        raise ApiUnavailable(
            "Le service de scoring est momentanément indisponible (modèle en cours de "
            "chargement ou maintenance). Réessayez dans quelques instants."
        )
    if status in (401, 403):
        logger.error("scoring API refused the portal's token (%s)", status)
        raise ApiBadResponse(
            "Le portail n'est pas autorisé à interroger le service de scoring "
            "(jeton d'accès invalide). Prévenez le support."
        )
    logger.error("scoring API answered %s: %s", status, response.text[:500])
    raise ApiBadResponse(
        f"Le service de scoring a renvoyé une erreur ({status}). Réessayez ; si le problème "
        "persiste, prévenez le support."
    )


_clients: dict[ApiConfig, ScoringApiClient] = {}


def get_api() -> ScoringApiClient:
    """One client (and connection pool) per configuration, reused across requests."""
    config = ApiConfig.from_settings()
    if config not in _clients:
        _clients[config] = ScoringApiClient(config)
    return _clients[config]
