"""Take the network away from a query worker, whatever query it is later asked to run.

The public endpoint checks each query before it runs, but that check parses the text with
rdflib while Oxigraph executes it, and two parsers can read one text differently. So the
worker process is sealed with a seccomp filter (libseccomp, through ``pyseccomp``): from then
on the kernel refuses it every new socket, of any family (a worker talks to the server over a
socket pair it inherited, and needs no other; even a local ``AF_UNIX`` socket could reach a
name-service daemon that resolves host names for it), and ``io_uring`` (which can open sockets
without the ``socket`` call). Whatever Oxigraph parses, a ``SERVICE`` call it makes fails with
"permission denied" before any packet, or name lookup, leaves.

The filter is inherited by every thread and child of the process and cannot be removed.
"""

from __future__ import annotations

import errno
import socket


class SandboxError(RuntimeError):
    """The worker could not be sealed; it must not run public queries."""


def seal_network() -> None:
    """Refuse this process every new socket from now on; raise if that cannot be done."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:  # libseccomp missing
        raise SandboxError(f"seccomp is unavailable: {exc}") from exc
    refuse = seccomp.ERRNO(errno.EACCES)
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for call in ("socket", "io_uring_setup", "io_uring_enter", "io_uring_register"):
            rules.add_rule(refuse, call)
        rules.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise SandboxError(f"the seccomp filter could not be loaded: {exc}") from exc
    _check_sealed()


def _check_sealed() -> None:
    """Prove the seal holds: opening a socket must now fail."""
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
        try:
            probe = socket.socket(family, socket.SOCK_STREAM)
        except PermissionError:
            continue
        except OSError:  # the family does not exist here: nothing to reach through it
            continue
        probe.close()
        raise SandboxError("the seccomp filter was loaded but sockets can still be opened")
