"""Virus scanning through a ClamAV daemon (clamd), when one is configured.

``CLAMD_SOCKET`` (a unix socket path, e.g. ``/run/clamav/clamd.ctl``) or ``CLAMD_HOST`` (+ ``CLAMD_PORT``,
default 3310); ``CLAMD_TIMEOUT`` seconds (default 30). Nothing configured: no scan (the other upload
checks still run). Configured but not answering: the upload is refused — a scan that was asked for and
did not happen is not a pass.

Our own client, not the ``clamd`` package (last released 2014, unmaintained): the INSTREAM command is the
whole protocol we need — ``zINSTREAM\\0``, then chunks each prefixed by its 4-byte big-endian length, a
zero-length chunk to end, and one reply line: ``stream: OK``, ``stream: <signature> FOUND`` or
``... ERROR``. Tested against a fake clamd on a local unix socket (tests/security/test_uploads.py).
"""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Verdict:
    scanned: bool
    found: bool = False
    signature: str = ""
    error: str = ""


def configured() -> bool:
    return bool(os.environ.get("CLAMD_SOCKET") or os.environ.get("CLAMD_HOST"))


def _connect(timeout: float) -> socket.socket:
    path = os.environ.get("CLAMD_SOCKET")
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(path)
        return sock
    host = os.environ["CLAMD_HOST"]
    port = int(os.environ.get("CLAMD_PORT", "3310"))
    return socket.create_connection((host, port), timeout=timeout)


def scan(data) -> Verdict:
    """Scan ``data`` (bytes, or an iterable of byte chunks) with clamd (INSTREAM);
    ``Verdict(scanned=False)`` when no daemon is configured."""
    if not configured():
        return Verdict(scanned=False)
    timeout = float(os.environ.get("CLAMD_TIMEOUT", "30"))
    try:
        with _connect(timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for block in [data] if isinstance(data, (bytes, bytearray)) else data:
                view = memoryview(block)
                for start in range(0, len(view), CHUNK):
                    piece = view[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(piece)) + bytes(piece))
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith((b"\0", b"\n")):
                got = sock.recv(4096)
                if not got:
                    break
                reply += got
    except (OSError, KeyError, ValueError) as exc:
        return Verdict(scanned=False, error=f"病毒扫描服务无法连接：{type(exc).__name__}")
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace")
    body = text.split(":", 1)[1].strip() if ":" in text else text.strip()
    if body == "OK":
        return Verdict(scanned=True)
    if body.endswith(" FOUND"):
        return Verdict(scanned=True, found=True, signature=body[: -len(" FOUND")].strip() or "病毒")
    return Verdict(scanned=False, error=f"病毒扫描服务出错：{body[:120] or '无应答'}")
