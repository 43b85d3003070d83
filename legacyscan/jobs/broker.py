"""The job engine: Celery over Redis (default) or RabbitMQ, its URL, credentials and TLS.

The broker URL is never an option on the command line (``ps`` shows every argument):
it comes from ``--broker-file FILE`` (its first line that is not a comment), else
``$LEGACYSCAN_BROKER_URL``, else the file named by ``$LEGACYSCAN_BROKER_URL_FILE``,
else ``redis://127.0.0.1:6379/0``.  ``rediss://`` (Redis over TLS) takes
``ssl_cert_reqs``, ``ssl_ca_certs``, ``ssl_certfile`` and ``ssl_keyfile`` in its query
string, passed to the broker and the result backend; ``amqps://`` (RabbitMQ over TLS)
takes ``ssl_ca_certs``, ``ssl_certfile`` and ``ssl_keyfile`` the same way.

Messages are JSON only (never pickle), acknowledged after the job ran (``acks_late``),
given back when the worker process dies (``reject_on_worker_lost``), one at a time per
worker (``prefetch 1``).
"""

from __future__ import annotations

import os
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from legacyscan.errors import UserError
from legacyscan.files import read_text

DEFAULT_URL = "redis://127.0.0.1:6379/0"
TASK = "legacyscan.jobs.run"
ENV_URL = "LEGACYSCAN_BROKER_URL"
ENV_FILE = "LEGACYSCAN_BROKER_URL_FILE"
#: A message not acknowledged this long is given to another worker by Redis; the job's
#: lease (store.py) keeps a healthy long scan from running twice meanwhile.
VISIBILITY_TIMEOUT_S = 6 * 3600
_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp")
_TLS_KEYS = ("ssl_cert_reqs", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile")
_CERT_REQS = {"required": ssl.CERT_REQUIRED, "optional": ssl.CERT_OPTIONAL, "none": ssl.CERT_NONE}


class BrokerError(UserError, RuntimeError):
    """The broker's URL is unusable or the broker cannot be reached; one line says why."""


def redact(url: str) -> str:
    """The URL without its password, for messages (a raw '@' in the password too)."""
    return re.sub(r"://([^:/@]*):[^/]*@", r"://\1:***@", url)


@dataclass(frozen=True)
class BrokerConfig:
    url: str  # with its credentials: never printed (see ``shown``)
    origin: str  # where it came from, for messages

    @property
    def shown(self) -> str:
        return redact(self.url)

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    def celery_settings(self) -> dict[str, Any]:
        """Celery's configuration for this broker (TLS options taken out of the URL)."""
        parts = urlsplit(self.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        tls = {k: query.pop(k) for k in _TLS_KEYS if k in query}
        plain = urlunsplit(parts._replace(query=urlencode(query)))
        settings: dict[str, Any] = {
            "broker_url": plain,
            "broker_transport_options": {"visibility_timeout": VISIBILITY_TIMEOUT_S},
            "result_backend": None,
        }
        if self.scheme in ("redis", "rediss"):
            settings["result_backend"] = plain
            settings["result_backend_transport_options"] = {
                "visibility_timeout": VISIBILITY_TIMEOUT_S
            }
        if self.scheme == "rediss":
            options = _tls_options(tls, prefix="ssl_")
            settings["broker_use_ssl"] = options
            settings["redis_backend_use_ssl"] = options
        elif self.scheme == "amqps":
            settings["broker_use_ssl"] = _tls_options(tls, prefix="")
        elif tls:
            raise BrokerError(f"TLS options given for a plain {self.scheme}:// broker URL")
        return settings


def _tls_options(given: dict[str, str], prefix: str) -> dict[str, Any]:
    """ssl options as redis-py (``ssl_*``) or kombu's amqp transport (no prefix) want them."""
    reqs = given.get("ssl_cert_reqs", "required").lower()
    if reqs not in _CERT_REQS:
        raise BrokerError(f"ssl_cert_reqs must be one of {', '.join(_CERT_REQS)}, not {reqs!r}")
    options: dict[str, Any] = {f"{prefix}cert_reqs": _CERT_REQS[reqs]}
    for key in ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile"):
        if given.get(key):
            if not Path(given[key]).is_file():
                raise BrokerError(f"{key}: no file {given[key]}")
            options[prefix + key.removeprefix("ssl_")] = given[key]
    return options


def _from_file(path: Path) -> str:
    text = read_text(path, BrokerError, limit=1 << 16)
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise BrokerError(f"{path}: no broker URL in it")


def resolve(broker_file: Path | None = None, env: dict[str, str] | None = None) -> BrokerConfig:
    """The broker to use: --broker-file, $LEGACYSCAN_BROKER_URL, its _FILE, the default."""
    env = dict(os.environ) if env is None else env
    if broker_file is not None:
        config = BrokerConfig(_from_file(broker_file), str(broker_file))
    elif env.get(ENV_URL):
        config = BrokerConfig(env[ENV_URL].strip(), f"${ENV_URL}")
    elif env.get(ENV_FILE):
        config = BrokerConfig(_from_file(Path(env[ENV_FILE])), env[ENV_FILE])
    else:
        config = BrokerConfig(DEFAULT_URL, "the default")
    if config.scheme not in _SCHEMES or not urlsplit(config.url).hostname:
        raise BrokerError(
            f"broker URL from {config.origin} must be redis://, rediss://, amqp:// or "
            f"amqps:// with a host, not {config.shown!r}"
        )
    config.celery_settings()  # bad TLS options fail now, in one line
    return config


def make_app(config: BrokerConfig) -> Any:
    """The Celery application of legacyscan's jobs (imported only when jobs are used)."""
    try:
        from celery import Celery
    except ImportError as exc:
        raise BrokerError("jobs need Celery: pip install 'legacyscan[jobs]'") from exc
    app = Celery("legacyscan", set_as_current=False)
    app.conf.update(
        config.celery_settings(),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="legacyscan.unrouted",
        broker_connection_timeout=5,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=3,
        result_expires=7 * 86_400,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_redirect_stdouts=False,
        task_ignore_result=False,
    )
    return app


def check_reachable(app: Any, config: BrokerConfig, timeout: float = 5.0) -> None:
    """One line when the broker does not answer (wrong host, port, password, TLS)."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # kombu raises many types: one line for all of them
        detail = redact(
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise BrokerError(
            f"cannot reach the broker {config.shown} (from {config.origin}): {detail}"
        ) from exc


def send(app: Any, message: dict[str, Any], queue: str) -> str:
    """Send a job's wake-up message on ``queue``; the task id."""
    result = app.send_task(TASK, args=[message], queue=queue, routing_key=queue)
    return str(result.id)
