"""What the benchmarks learn of processes other than their own: resident memory and a
command's process tree from procps's ``ps`` and ``pmap`` (scripts/setup.sh installs
procps), and a local FalkorDB server's CPU seconds from its own ``INFO`` (Redis
protocol, on the server's Unix socket). Their own process: ``os.times`` and
``resource``."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
from pathlib import Path


def resident_mb(pid: int) -> float:
    """A process's resident memory now, in MB (0 when it has ended)."""
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
    return int(out.stdout.strip() or 0) / 1024


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def session_processes(
    session: int, *, proportional: bool = True
) -> dict[int, tuple[int, int, int]]:
    """The processes of a session: pid -> (parent pid, resident bytes, proportional
    bytes: the pages shared by n processes counted 1/n in each, so their sum is what the
    tree really holds; ``pmap -X``'s Pss total). ``proportional=False`` gives 0 for the
    last, without running ``pmap``: walking the mappings of a 1 GB process costs it
    ~50 ms of CPU, which the process being measured feels when sampled often."""
    listed = subprocess.run(
        ["ps", "-o", "pid=,ppid=,rss=", "--sid", str(session)], capture_output=True, text=True
    ).stdout
    found = {}
    for line in listed.splitlines():
        pid, parent, rss = map(int, line.split())
        if not proportional:
            found[pid] = (parent, rss * 1024, 0)
            continue
        totals = subprocess.run(["pmap", "-X", str(pid)], capture_output=True, text=True)
        last = totals.stdout.strip().splitlines()[-1:] if totals.returncode == 0 else []
        fields = last[0].split() if last else []
        if len(fields) < 3 or not fields[2].isdigit():
            continue  # a process that ended meanwhile
        found[pid] = (parent, rss * 1024, int(fields[2]) * 1024)
    return found


def server_cpu_seconds(redis_socket: Path) -> float:
    """User + system CPU seconds of the Redis server (FalkorDB) listening on
    ``redis_socket`` (``INFO cpu``: microsecond resolution, where ps gives seconds)."""
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(redis_socket))
        conn.sendall(b"*2\r\n$4\r\nINFO\r\n$3\r\ncpu\r\n")
        header = b""
        while not header.endswith(b"\r\n"):
            header += conn.recv(1)
        size = int(header[1:-2])  # a bulk string: $<size>\r\n<text>\r\n
        text = b""
        while len(text) < size + 2:
            text += conn.recv(size + 2 - len(text))
    info = dict(line.split(":", 1) for line in text.decode().splitlines() if ":" in line)
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def own_cpu_seconds() -> float:
    """User + system CPU seconds of this process."""
    times = os.times()
    return times.user + times.system
