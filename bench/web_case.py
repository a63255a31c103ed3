"""Benchmark case of the web application (issue 18): a bounded load test on loopback.

``web_load``: `mou serve` (one uvicorn process, as started by a user) over 1.000 agreements (the demo's
one agreement with its real FGD history, copied under new slugs), an administrator account that sees
them all. First 20 people for 60 seconds, each on their own signed-in HTTP connection, asking in turn for
the list page and a random agreement's page and pausing 0,2-0,8 s after each page (a person reads a page
for longer: this is a busy office, about 40 pages a second). Reported: the 95th percentile of each page's
response time (target <= 100 ms), the answers that were not 200 (target 0), the server's peak resident
memory sampled from /proc every 0,2 s (target <= 200 MiB). Then, for reference, the same 20 clients
without a pause for 20 s: the pages per second one process serves and the response times at saturation,
where a closed loop of N clients waits about N / throughput by construction.
"""

from __future__ import annotations

import random
import re
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLIENTS = 20
SECONDS = 60.0
THINK = (0.2, 0.8)
"""Seconds a person pauses between two pages (uniform): 20 such people ask for about 40 pages a second."""
FLOOD_SECONDS = 20.0
PASSWORD = "beban-uji-12345"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def web_load(root: Path, slugs: list[str], mou: list[str], progress: Callable[[str], None]) -> list[dict[str, Any]]:
    import httpx

    import workflow

    with workflow.open_store(str(root)) as store:
        if workflow.get_user(store, "beban") is None:
            workflow.add_user(
                store, "beban", name="Uji beban", acts_as=["Dinas Tenaga Kerja Kabupaten Buton"], password=PASSWORD, admin=True
            )
    port = _free_port()
    server = subprocess.Popen(
        [*mou, "--root", str(root), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _i in range(200):
            try:
                httpx.get(f"{base}/masuk", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        login = httpx.Client(base_url=base, follow_redirects=False)
        token = re.search(r'name="csrf" value="([^"]+)"', login.get("/masuk").text).group(1)  # type: ignore[union-attr]
        done = login.post("/masuk", data={"csrf": token, "login": "beban", "password": PASSWORD})
        assert done.status_code == 303, done.text
        cookies = dict(login.cookies)
        progress("web: warming up (every agreement seen once)")
        login.get("/", timeout=120)
        progress(
            f"web: {CLIENTS} people for {SECONDS:.0f} s over {len(slugs)} agreements, a page every {THINK[0]}-{THINK[1]} s each"
        )
        paced = _clients(base, cookies, slugs, server.pid, SECONDS, THINK)
        progress(f"web: {CLIENTS} clients for {FLOOD_SECONDS:.0f} s asking without a pause (saturation)")
        flood = _clients(base, cookies, slugs, server.pid, FLOOD_SECONDS, None)
    finally:
        server.terminate()
        server.wait(timeout=30)
    times, errors, peak = paced
    rows: list[dict[str, Any]] = []
    for kind, label in (("list", "list page"), ("agreement", "agreement page")):
        values = times[kind]
        p95 = _p95(values)
        rows.append(
            {
                "case": f"web {label}, {CLIENTS} people x {SECONDS:.0f} s, {len(slugs)} agreements: p95 of {len(values)}",
                "ours": [p95],
                "base": None,
                "base_name": f"median {statistics.median(values) * 1000:.1f} ms",
                "target": "<= 100 ms",
                "met": p95 <= 0.1,
            }
        )
    ftimes, ferrors, fpeak = flood
    served = sum(len(v) for v in ftimes.values())
    for kind, label in (("list", "list page"), ("agreement", "agreement page")):
        values = ftimes[kind]
        rows.append(
            {
                "case": f"web {label}, saturation: {CLIENTS} clients without a pause, {served / FLOOD_SECONDS:.0f} pages/s: p95",
                "ours": [_p95(values)],
                "base": None,
                "base_name": f"median {statistics.median(values) * 1000:.1f} ms",
                "target": "- (for reference)",
                "met": None,
            }
        )
    errors = errors + ferrors
    peak = max(peak, fpeak)
    times = {k: times[k] + ftimes[k] for k in times}
    rows.append(
        {
            "case": f"web load: answers other than 200 ({sum(len(v) for v in times.values())} requests)",
            "ours": [float(len(errors))],
            "base": None,
            "base_name": "; ".join(errors[:3]),
            "target": "0",
            "met": not errors,
            "unit": "count",
        }
    )
    rows.append(
        {
            "case": "web load: server peak memory (RSS)",
            "ours": [peak],
            "base": None,
            "base_name": "",
            "target": "<= 200 MiB",
            "met": peak <= 200,
            "unit": "MiB",
        }
    )
    return rows


Times = dict[str, list[float]]


def _clients(
    base: str, cookies: dict[str, str], slugs: list[str], pid: int, seconds: float, think: tuple[float, float] | None
) -> tuple[Times, list[str], float]:
    """``CLIENTS`` threads, each with its own signed-in connection, asking in turn for the list page and a
    random agreement's page for ``seconds``, pausing ``think`` seconds (uniform) after each page, or not
    at all; the server's peak resident memory sampled every 0,2 s. Response times, failures, peak MiB."""
    import httpx

    times: Times = {"list": [], "agreement": []}
    errors: list[str] = []
    peak = [0.0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, cookies=cookies, follow_redirects=False, timeout=30) as c:
            while time.monotonic() < stop:
                for kind, url in (("list", "/"), ("agreement", f"/kerja-sama/{rng.choice(slugs)}")):
                    start = time.perf_counter()
                    try:
                        r = c.get(url)
                        ok = r.status_code == 200
                        what = str(r.status_code)
                    except httpx.HTTPError as e:
                        ok, what = False, type(e).__name__
                    took = time.perf_counter() - start
                    with lock:
                        times[kind].append(took)
                        if not ok:
                            errors.append(f"{url}: {what}")
                    if think:
                        time.sleep(rng.uniform(*think))

    def sample() -> None:
        while time.monotonic() < stop:
            peak[0] = max(peak[0], _rss_mib(pid))
            time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)] + [threading.Thread(target=sample)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, peak[0]
