"""Settings read once from the environment (or given explicitly) and passed down.

Nothing reads the environment after start-up: services and adapters get a
:class:`Settings` object.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from interlink_kg.errors import ConfigurationError

DEFAULT_BASE_IRI = "http://127.0.0.1:8080/"


def default_data_dir(env: Mapping[str, str]) -> Path:
    """The per-user data folder (``$XDG_DATA_HOME/interlink-kg`` or ``~/.local/share/...``)."""
    xdg = env.get("XDG_DATA_HOME")
    root = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return root / "interlink-kg"


def normalise_base_iri(value: str) -> str:
    """Check a base IRI (absolute http(s), no query or fragment) and end it with ``/``."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigurationError(
            f"base IRI must be an absolute http(s) IRI, got {value!r}",
            details={"base_iri": value},
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"base IRI must have no query or fragment, got {value!r}",
            details={"base_iri": value},
        )
    return value if value.endswith("/") else value + "/"


def shown(store_url: str) -> str:
    """A store URL as it may be shown (logs, messages): without a user and password."""
    scheme, sep, rest = store_url.partition(":")
    if not scheme.startswith("sparql+") or "@" not in rest:
        return store_url
    parts = urlsplit(rest)
    host = parts.netloc.rpartition("@")[2]
    return f"{scheme}{sep}{parts._replace(netloc=host).geturl()}"


def workspace_url_for(store_url: str) -> str:
    """The curators' workspace store beside a catalogue store (``PATH`` -> ``PATH-workspace``).

    A remote catalogue store has no place beside it: its workspace (teams, private processes,
    submissions) must be named (``INTERLINK_KG_WORKSPACE``), never guessed into memory, where it
    would be lost on restart; empty means "not configured"."""
    scheme, _, rest = store_url.partition(":")
    if scheme == "oxigraph" and rest:
        return f"oxigraph:{rest.rstrip('/')}-workspace"
    if scheme.startswith("sparql+"):
        return ""
    return "memory:"


@dataclass(frozen=True)
class Settings:
    """Runtime settings of a catalogue instance."""

    base_iri: str = DEFAULT_BASE_IRI
    store_url: str = ""
    workspace_url: str = "memory:"
    # Bearer tokens for remote stores (sparql+http...); seconds any store call may take, and
    # a whole-store write (statistics counted in full, a bulk load moved into place).
    store_token: str | None = None
    workspace_token: str | None = None
    store_timeout: float = 30.0
    store_long_timeout: float = 1800.0
    page_size: int = 100
    max_page_size: int = 1000
    tokens_file: Path | None = None
    tokens_env: str | None = None
    # Signs browsers' session cookies (default: a random key kept beside the tokens file).
    secret_key: str | None = None
    max_body_bytes: int = 1_048_576
    # Serving (one process): application threads, seconds a connection may stay silent,
    # open connections, header bytes.
    threads: int = 8
    read_timeout: int = 30
    max_connections: int = 1000
    max_header_bytes: int = 65_536
    # The catalogue's contact e-mail (ADMS-AP makes it mandatory on the contact point).
    contact_email: str | None = None
    # The public SPARQL endpoint.
    sparql_time_limit: float = 10.0
    sparql_max_concurrent: int = 2
    sparql_queue_wait: float = 5.0
    sparql_max_result_bytes: int = 32 * 1024 * 1024
    sparql_memory_mb: int = 2048
    sparql_allowed_services: tuple[str, ...] = ()
    # POST /validate, in worker processes.
    validation_time_limit: float = 30.0
    validation_max_concurrent: int = 1
    validation_memory_mb: int = 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from ``INTERLINK_KG_*`` variables; keyword overrides win."""
        env = os.environ if env is None else env
        store_url = env.get("INTERLINK_KG_STORE") or (
            "oxigraph:" + str(default_data_dir(env) / "store")
        )
        values: dict[str, object] = {
            "base_iri": env.get("INTERLINK_KG_BASE_IRI", DEFAULT_BASE_IRI),
            "store_url": store_url,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        base = normalise_base_iri(str(values["base_iri"]))
        store = str(values["store_url"])
        tokens_file = env.get("INTERLINK_KG_TOKENS_FILE")
        max_body = _whole_number(env, "INTERLINK_KG_MAX_BODY_BYTES")
        return cls(
            base_iri=base,
            store_url=store,
            workspace_url=env.get("INTERLINK_KG_WORKSPACE") or workspace_url_for(store),
            store_token=env.get("INTERLINK_KG_STORE_TOKEN") or None,
            workspace_token=env.get("INTERLINK_KG_WORKSPACE_TOKEN") or None,
            store_timeout=_seconds(env, "INTERLINK_KG_STORE_TIMEOUT"),
            store_long_timeout=_seconds(env, "INTERLINK_KG_STORE_LONG_TIMEOUT"),
            tokens_file=Path(tokens_file) if tokens_file else default_data_dir(env) / "tokens.json",
            tokens_env=env.get("INTERLINK_KG_TOKENS"),
            secret_key=env.get("INTERLINK_KG_SECRET_KEY") or None,
            max_body_bytes=max_body,
            threads=_whole_number(env, "INTERLINK_KG_THREADS"),
            read_timeout=_whole_number(env, "INTERLINK_KG_READ_TIMEOUT"),
            max_connections=_whole_number(env, "INTERLINK_KG_MAX_CONNECTIONS"),
            max_header_bytes=_whole_number(env, "INTERLINK_KG_MAX_HEADER_BYTES"),
            contact_email=_email(env.get("INTERLINK_KG_CONTACT_EMAIL")),
            sparql_time_limit=_seconds(env, "INTERLINK_KG_SPARQL_TIME_LIMIT"),
            sparql_max_concurrent=_whole_number(env, "INTERLINK_KG_SPARQL_MAX_CONCURRENT"),
            sparql_queue_wait=_seconds(env, "INTERLINK_KG_SPARQL_QUEUE_WAIT"),
            sparql_max_result_bytes=_whole_number(env, "INTERLINK_KG_SPARQL_MAX_RESULT_BYTES"),
            sparql_memory_mb=_whole_number(env, "INTERLINK_KG_SPARQL_MEMORY_MB"),
            sparql_allowed_services=_services(env.get("INTERLINK_KG_SPARQL_ALLOWED_SERVICES", "")),
            validation_time_limit=_seconds(env, "INTERLINK_KG_VALIDATION_TIME_LIMIT"),
            validation_max_concurrent=_whole_number(env, "INTERLINK_KG_VALIDATION_MAX_CONCURRENT"),
            validation_memory_mb=_whole_number(env, "INTERLINK_KG_VALIDATION_MEMORY_MB"),
        )


# Each variable's field; its default is the field's default in Settings (one source).
ENVIRONMENT_FIELDS = {
    "INTERLINK_KG_STORE_TIMEOUT": "store_timeout",
    "INTERLINK_KG_STORE_LONG_TIMEOUT": "store_long_timeout",
    "INTERLINK_KG_MAX_BODY_BYTES": "max_body_bytes",
    "INTERLINK_KG_THREADS": "threads",
    "INTERLINK_KG_READ_TIMEOUT": "read_timeout",
    "INTERLINK_KG_MAX_CONNECTIONS": "max_connections",
    "INTERLINK_KG_MAX_HEADER_BYTES": "max_header_bytes",
    "INTERLINK_KG_SPARQL_TIME_LIMIT": "sparql_time_limit",
    "INTERLINK_KG_SPARQL_MAX_CONCURRENT": "sparql_max_concurrent",
    "INTERLINK_KG_SPARQL_QUEUE_WAIT": "sparql_queue_wait",
    "INTERLINK_KG_SPARQL_MAX_RESULT_BYTES": "sparql_max_result_bytes",
    "INTERLINK_KG_SPARQL_MEMORY_MB": "sparql_memory_mb",
    "INTERLINK_KG_VALIDATION_TIME_LIMIT": "validation_time_limit",
    "INTERLINK_KG_VALIDATION_MAX_CONCURRENT": "validation_max_concurrent",
    "INTERLINK_KG_VALIDATION_MEMORY_MB": "validation_memory_mb",
}
_FIELD_DEFAULTS = {f.name: f.default for f in fields(Settings)}
DEFAULTS = {
    variable: format(_FIELD_DEFAULTS[name], "g")
    if isinstance(_FIELD_DEFAULTS[name], float)
    else str(_FIELD_DEFAULTS[name])
    for variable, name in ENVIRONMENT_FIELDS.items()
}


def _email(raw: str | None) -> str | None:
    if not raw:
        return None
    value = raw.strip().removeprefix("mailto:")
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in '<>"' for c in value):
        raise ConfigurationError(f"INTERLINK_KG_CONTACT_EMAIL is not an e-mail address: {raw!r}")
    return value


def _whole_number(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, DEFAULTS[name]).strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1: {raw!r}")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str) -> float:
    raw = env.get(name, DEFAULTS[name]).strip()
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise ConfigurationError(f"{name} must be a number of seconds from 0 to 3600: {raw!r}")
    return value


def _services(raw: str) -> tuple[str, ...]:
    """Space-separated absolute http(s) IRIs of SPARQL services a public query may call."""
    services = tuple(raw.split())
    for service in services:
        parts = urlsplit(service)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigurationError(
                "INTERLINK_KG_SPARQL_ALLOWED_SERVICES must list absolute http(s) IRIs, "
                f"got {service!r}"
            )
    return services
