"""``legacyscan ai-usage`` against ``grep -c`` and ``awk`` counting the same AI domains in
the same Squid logs, in the same run; and its peak memory at two sizes (flat in lines).

Generates Squid native access.log lines (default 10 million, about 1.2 GB, in a
temporary folder; about 3 % to AI services of the catalogue, the rest to other sites,
some with URL paths and user names; the same 3,000 clients at every size), then times,
each in its own process with its peak memory (max RSS from wait4):

* ``grep -c -F -f domains.txt``: lines holding any catalogue domain anywhere (fixed
  strings, the fastest count there is, and looser: it does not look at the host field);
* ``awk``: the host cut from the URL field, lower-cased, then it and each parent domain
  looked up in an array of the catalogue's domains (the same match ai-usage makes);
* ``legacyscan ai-usage --no-db``: the real command, writing its aggregate file.

The three counts must agree; the ratio ai-usage / awk is the target (no more than 3).
Peak memory is measured again on a quarter of the lines: flat means about the same.
The machine may be shared: the figures are one run's, on whatever CPU was free.

    python bench/ai_usage.py                 # 10,000,000 lines
    python bench/ai_usage.py --lines 2000000 --keep /tmp/ai-bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The catalogue's domains and example hosts, read in a child: this process stays small,
#: so that the peak memory its children inherit at fork is not theirs.
CATALOGUE = """
import json
from legacyscan.aiusage.catalogue import load_catalogue
c = load_catalogue()
hosts = [h for e in c.entries for h in e.match_examples]
print(json.dumps([sorted({*c.exact, *c.suffixes}), hosts]))
"""

AWK = r"""
BEGIN { while ((getline d < DOMAINS) > 0) dom[d] = 1 }
{
    h = $7
    sub(/^[A-Za-z]+:\/\//, "", h)
    sub(/[\/:?#].*$/, "", h)
    h = tolower(h)
    while (h != "") {
        if (h in dom) { n++; break }
        i = index(h, ".")
        if (i == 0) break
        h = substr(h, i + 1)
    }
}
END { print n + 0 }
"""
OTHER = ["www.has-sante.fr", "www.ameli.fr", "intranet.ch-exemple.invalid", "www.google.com",
         "fonts.gstatic.com", "update.microsoft.com", "www.legifrance.gouv.fr", "cdn.example.net",
         "static.example.org", "login.microsoftonline.com"]  # fmt: skip


def generate(path: Path, lines: int, ai_hosts: list[str], seed: int = 19) -> int:
    """Write ``lines`` Squid lines over one month (2026-11) from the same 3,000 clients,
    1,000 of which use two AI hosts each; return how many lines go to an AI host.  The
    population is the same at every size, so memory that grew would grow with lines."""
    rng = random.Random(seed)
    clients = [f"10.{rng.randint(1, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
               for _ in range(3000)]  # fmt: skip
    uses = {c: rng.sample(ai_hosts, 2) for c in clients[:1000]}
    users = ["-", "-", "-", "jdupont", "mlefebvre", "dr.martin"]
    t, step = 1793491200.0, 30 * 86400 / lines  # 2026-11-01, spread over the month
    ai = 0
    with path.open("w", encoding="ascii") as out:
        batch: list[str] = []
        for n in range(lines):
            t += step
            client = clients[n % 2999]
            if client in uses and rng.random() < 0.09:
                host, ai = uses[client][n & 1], ai + 1
            else:
                host = OTHER[n % len(OTHER)]
            if n % 7:
                url, method, status = f"{host}:443", "CONNECT", "TCP_TUNNEL/200"
            else:
                url, method, status = f"http://{host}/a/b.html?id={n}", "GET", "TCP_MISS/200"
            batch.append(f"{t:.3f}    {n % 900} {client} {status} {n % 50000 + 300} {method} "
                         f"{url} {users[n % 6]} HIER_DIRECT/192.0.2.10 -\n")  # fmt: skip
            if len(batch) >= 100_000:
                out.writelines(batch)
                batch.clear()
        out.writelines(batch)
    return ai


def measure(argv: list[str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak RSS (MiB) and standard output of one process, from wait4."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # grep -c exits 1 on no match
        assert process.stderr is not None
        sys.exit(f"failed: {' '.join(argv)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def ai_usage(log: Path, folder: Path) -> tuple[float, float, int]:
    output = folder / "ai-usage.json"
    seconds, rss, _ = measure([sys.executable, "-m", "legacyscan", "ai-usage", str(log),
                               "--no-db", "--format", "squid", "-o", str(output)])  # fmt: skip
    matched = sum(i["matched"] for i in json.loads(output.read_text())["inputs"])
    return seconds, rss, matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated logs here")
    args = parser.parse_args()
    read = subprocess.run([sys.executable, "-c", CATALOGUE], capture_output=True, cwd=ROOT,
                          check=True)  # fmt: skip
    domains, ai_hosts = json.loads(read.stdout)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ai-usage-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / "domains.txt").write_text("\n".join(domains) + "\n")
        (folder / "count.awk").write_text(AWK)
        small, big = folder / "quarter.log", folder / "access.log"
        started = time.perf_counter()
        truth_small = generate(small, args.lines // 4, ai_hosts)
        truth = generate(big, args.lines, ai_hosts)
        print(f"generated {args.lines:,} + {args.lines // 4:,} lines in "
              f"{time.perf_counter() - started:.0f} s ({big.stat().st_size / 1e9:.2f} GB); "
              f"{truth:,} to AI hosts")  # fmt: skip
        awk = shutil.which("mawk") or shutil.which("awk") or "awk"
        g_s, g_rss, g_out = measure(["grep", "-c", "-F", "-f", str(folder / "domains.txt"),
                                     str(big)])  # fmt: skip
        a_s, a_rss, a_out = measure([awk, "-v", f"DOMAINS={folder / 'domains.txt'}", "-f",
                                     str(folder / "count.awk"), str(big)])  # fmt: skip
        u_s, u_rss, u_count = ai_usage(big, folder)
        q_s, q_rss, q_count = ai_usage(small, folder)
        counts = {"truth": truth, "grep -c": int(g_out), "awk": int(a_out), "ai-usage": u_count}
        print(f"counts: {counts}")
        if len(set(counts.values())) != 1 or q_count != truth_small:
            sys.exit("the counts disagree")
        n = args.lines
        print(f"{'':<24}{'seconds':>9}{'lines/s':>14}{'peak MiB':>10}")
        for name, seconds, rss in (("grep -c -F", g_s, g_rss), (Path(awk).name, a_s, a_rss),
                                   ("legacyscan ai-usage", u_s, u_rss)):  # fmt: skip
            print(f"{name:<24}{seconds:>9.1f}{n / seconds:>14,.0f}{rss:>10.0f}")
        print(
            f"ai-usage / awk: {u_s / a_s:.2f}x the time (target: at most 3x); "
            f"ai-usage / grep -c: {u_s / g_s:.2f}x"
        )
        print(f"ai-usage peak memory: {q_rss:.0f} MiB for {n // 4:,} lines, {u_rss:.0f} MiB "
              f"for {n:,} lines (target: at most 300 MiB, flat)")  # fmt: skip
        print("note: one run on a shared 2-core machine; other jobs may have used the CPU")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
