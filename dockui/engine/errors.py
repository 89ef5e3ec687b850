"""What went wrong with the engine, in words for the user.

Kept apart from :mod:`dockui.engine.service` so that screens can catch and describe errors
without importing docker-py at start-up (it is imported when the engine is first used).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dockui.engine.sanitize import clean

if TYPE_CHECKING:
    import docker.errors


class EngineError(Exception):
    """A failure worth telling the user about; ``str()`` is the message to show."""


class EngineGone(EngineError):
    """The engine does not answer (stopped, unreachable, or the socket is missing)."""


def describe_error(exc: BaseException, host: str = "") -> str:
    """Turn a docker-py, requests or OS error into one short, safe sentence."""
    import docker.errors  # an error from the engine means docker-py is loaded by now

    if isinstance(exc, docker.errors.NotFound):
        return clean(_explanation(exc)) or "it no longer exists"
    if isinstance(exc, docker.errors.APIError):
        return clean(_explanation(exc))
    text = " ".join(str(e) for e in _chain(exc))
    where = f" at {host}" if host else ""
    for marker, message in (
        ("FileNotFoundError", f"no engine socket{where}"),
        ("No such file or directory", f"no engine socket{where}"),
        ("PermissionError", f"permission denied on the engine socket{where}: run as root or "
                            "join the docker group"),
        ("Permission denied", f"permission denied on the engine socket{where}"),
        ("Connection refused", f"connection refused{where}"),
        ("Name or service not known", f"unknown host{where}"),
        ("timed out", f"no answer{where} (timed out)"),
        *_tls_messages(where),
    ):
        if marker in text:
            return message
    return clean(f"{type(exc).__name__}: {exc}")


def _tls_messages(where: str) -> tuple[tuple[str, str], ...]:
    """OpenSSL's reasons, most specific first, as (marker, sentence) pairs."""
    ca = "ca.pem of the context or of DOCKER_CERT_PATH"
    return (
        ("Hostname mismatch", f"the TLS certificate{where} is not made out for that name "
                              "(its subjectAltName must list the host dockui connects to)"),
        ("IP address mismatch", f"the TLS certificate{where} is not made out for that address "
                                "(its subjectAltName must list the IP dockui connects to)"),
        ("certificate has expired", f"the TLS certificate{where} has expired"),
        ("self-signed certificate", f"the TLS certificate{where} is not signed by the CA "
                                    f"dockui was given ({ca}): check it is the engine's CA"),
        ("unable to get local issuer", f"the TLS certificate{where} is not signed by the CA "
                                       f"dockui was given ({ca}): check it is the engine's CA"),
        ("CERTIFICATE_VERIFY_FAILED", f"the TLS certificate{where} is not trusted"),
        ("CERTIFICATE_REQUIRED", f"the engine{where} wants a client certificate: give one "
                                 "(cert.pem and key.pem in DOCKER_CERT_PATH or the context)"),
        ("ALERT_UNKNOWN_CA", f"the engine{where} refused dockui's client certificate: it is "
                             "not signed by a CA the engine trusts"),
        ("ALERT_BAD_CERTIFICATE", f"the engine{where} refused dockui's client certificate"),
        # TLS 1.3: the refusal of a client certificate can race the request; then it reads
        # as the server hanging up mid-handshake.
        ("EOF occurred in violation of protocol", f"the engine{where} hung up during the TLS "
                                                  "handshake: it probably refused dockui's "
                                                  "client certificate"),
        ("UNEXPECTED_EOF_WHILE_READING", f"the engine{where} hung up during the TLS "
                                         "handshake: it probably refused dockui's client "
                                         "certificate"),
        ("WRONG_VERSION_NUMBER", f"no TLS{where}: that port speaks plain HTTP (use tcp:// "
                                 "without DOCKER_TLS_VERIFY, or the engine's TLS port)"),
    )


def _explanation(exc: docker.errors.APIError) -> str:
    explanation = exc.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return str(explanation or exc)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([e.__cause__, e.__context__, *e.args])
