"""``legacyscan dispatch``, ``worker`` and ``jobs``: scan jobs for the scanners of each site.

See docs/sites.md.  The broker URL is read from ``--broker-file`` or the environment,
never from an option (``ps`` would show it).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from legacyscan.cli.common import as_of_date, as_of_option, format_option, progress
from legacyscan.cli.inventory import DB_HELP
from legacyscan.cli.terminal import echo, field
from legacyscan.codec import to_data
from legacyscan.collect.scope import DEFAULT_MAX_HOSTS

F = TypeVar("F", bound=Callable[..., Any])

BROKER_HELP = (
    "File whose first line is the broker URL, e.g. redis://:PASSWORD@broker:6379/0 or "
    "rediss://... for TLS (default: $LEGACYSCAN_BROKER_URL, else the file named by "
    "$LEGACYSCAN_BROKER_URL_FILE, else redis://127.0.0.1:6379/0).  Never give the URL "
    "itself on the command line: `ps` shows it."
)


def broker_option(function: F) -> F:
    return click.option(
        "--broker-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=BROKER_HELP,
    )(function)


def _engine(broker_file: Path | None) -> tuple[Any, Any]:
    from legacyscan.jobs.broker import check_reachable, make_app, resolve

    config = resolve(broker_file)
    app = make_app(config)
    check_reachable(app, config)
    return app, config


@click.command("dispatch")
@click.argument("targets", nargs=-1)
@click.option("--site", default=None, help="Site whose scanners run the job, e.g. chu-nord.")
@click.option(
    "--vantage",
    default="",
    help="Only a scanner standing at this vantage point of the site runs it (its own queue).",
)
@click.option("--profile", default="clinical-safe", show_default=True,
              help="Scan profile (see 'legacyscan profiles'); the worker's policy must "
              "allow it.")  # fmt: skip
@click.option("--exclude", multiple=True, help="Never scan these (address, CIDR, range).")
@click.option("--allow-public", is_flag=True, help="Allow globally routable addresses.")
@click.option("--max-hosts", type=click.IntRange(1), default=DEFAULT_MAX_HOSTS,
              show_default=True, help="Refuse a scope larger than this.")  # fmt: skip
@click.option("--chunk-size", type=click.IntRange(1), default=None,
              help="Addresses per nmap process (default: the profile's).")  # fmt: skip
@click.option("--parallel", type=click.IntRange(1, 64), default=None,
              help="nmap processes at a time (default: the profile's).")  # fmt: skip
@click.option("--second-pass/--no-second-pass", default=None,
              help="The second pass of read-only OS scripts (default: the profile's).")  # fmt: skip
@click.option(
    "--snmp-credential",
    "snmp_labels",
    multiple=True,
    help="Label of an SNMP credential of the worker's credentials file to try (repeatable; "
    "default: all of them, in the file's order).  Secrets never leave the worker.",
)
@click.option("--snmp-sweep", is_flag=True, help="Ask SNMP of every address of the targets.")
@click.option("--every", default=None, metavar="PERIOD",
              help="Repeat the job every PERIOD (30m, 12h, 7d, 2w): a stored "
              "schedule.")  # fmt: skip
@click.option(
    "--run-schedule",
    is_flag=True,
    help="Send the scheduled jobs that are due and exit (run it from cron or a systemd "
    "timer; the site's workers also do it while they run).",
)
@click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP)
@broker_option
def dispatch_command(
    targets: tuple[str, ...],
    site: str | None,
    vantage: str,
    profile: str,
    exclude: tuple[str, ...],
    allow_public: bool,
    max_hosts: int,
    chunk_size: int | None,
    parallel: int | None,
    second_pass: bool | None,
    snmp_labels: tuple[str, ...],
    snmp_sweep: bool,
    every: str | None,
    run_schedule: bool,
    db: str | None,
    broker_file: Path | None,
) -> None:
    """Send a scan of TARGETS to the scanners of a site.

    The scope is checked here with the guards of `legacyscan scan` (public addresses,
    size, exclusions, printer ports, NSE scripts); the job is recorded in the inventory
    (see --db: the one the workers write to) and sent on the site's queue.  A worker of
    that site checks it again against its own policy file before sending any packet, and
    refuses it otherwise (`legacyscan jobs` shows why).

    \b
    Examples:
      legacyscan dispatch 10.20.0.0/22 --site chu-nord --profile clinical-safe
      legacyscan dispatch 10.30.5.0/24 --site chu-sud --vantage dc-vlan5 --every 7d
      legacyscan dispatch --run-schedule          # from cron: send what is due
    """
    from legacyscan.inventory import Inventory
    from legacyscan.jobs.dispatch import dispatch, run_schedules
    from legacyscan.jobs.payload import JobPayload, check_label, check_name
    from legacyscan.jobs.schedule import describe, parse_period
    from legacyscan.jobs.store import JobStore

    if run_schedule:
        if targets or site:
            raise click.UsageError("--run-schedule takes no TARGETS nor --site")
        app, _ = _engine(broker_file)
        with Inventory.open(db) as inventory:
            started = run_schedules(JobStore(inventory.backend), app, time.time())
        echo(f"{len(started)} scheduled job(s) sent" + (f": {list(started)}" if started else ""))
        return
    if not targets:
        raise click.UsageError("give TARGETS (or --run-schedule)")
    if not site:
        raise click.UsageError("--site is required: the site whose scanners run the job")
    payload = JobPayload(
        site=check_name(site, "site"),
        vantage=check_name(vantage, "vantage") if vantage else "",
        profile=profile,
        targets=targets,
        exclude=exclude,
        chunk_size=chunk_size,
        parallel=parallel,
        second_pass=second_pass,
        allow_public=allow_public,
        max_hosts=max_hosts,
        snmp_labels=tuple(check_label(label) for label in snmp_labels),
        snmp_sweep=snmp_sweep,
    )
    every_s = parse_period(every) if every else None
    from legacyscan.jobs.dispatch import check_centrally

    plan = check_centrally(payload)  # refused here: nothing recorded, nothing sent
    app, config = _engine(broker_file)
    with Inventory.open(db) as inventory:
        store = JobStore(inventory.backend)
        served = any(j.worker for j in store.jobs(site=payload.site))
        sent = dispatch(store, app, payload, every_s, time.time())
        location = inventory.location
    echo(
        f"job {sent.job_id}: {plan.address_count} address(es), profile {plan.profile}, "
        f"sent to {sent.queue} on {config.shown}; recorded in {location}"
    )
    if not served:  # a typo in --site would otherwise wait for ever, silently
        echo(
            f"note: no worker of site {payload.site} has taken a job from this inventory "
            f"yet; start one: legacyscan worker --site {payload.site} --policy FILE",
            err=True,
        )
    if every_s:
        echo(f"schedule {sent.schedule_id}: again every {describe(every_s)}")


@click.command("worker")
@click.option("--site", required=True, help="The site this scanner stands in (its queue).")
@click.option(
    "--vantage",
    "vantages",
    multiple=True,
    help="The vantage point it stands at (repeatable): it also takes that point's queue.",
)
@click.option(
    "--policy",
    "policy_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="This scanner's local policy (YAML): the networks and profiles it may ever "
    "scan, its SNMP credentials file; see docs/sites.md.",
)
@click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP + " Prefer "
              "$LEGACYSCAN_DB for a URL with a password.")  # fmt: skip
@broker_option
@click.option("--name", default=None, help="This worker's name in `legacyscan jobs` "
              "(default: HOST:PID).")  # fmt: skip
@click.option("--lease", type=click.FloatRange(2, 3600), default=60.0, show_default=True,
              help="Seconds without news after which a job's worker counts as dead and the "
              "job is resumed by another worker of the site.")  # fmt: skip
@as_of_option
def worker_command(
    site: str,
    vantages: tuple[str, ...],
    policy_file: Path,
    db: str | None,
    broker_file: Path | None,
    name: str | None,
    lease: float,
    as_of: Any,
) -> None:
    """Run the scan jobs sent to this site (and vantage point), one at a time.

    Consumes only the queues of --site (and of each --vantage).  Every job is checked
    against the policy file before any packet; a job it does not allow is marked failed
    with the reason.  Each finished nmap chunk and SNMP answer is committed to the
    inventory at once: a worker killed mid-scan loses nothing, and another worker of
    the same site resumes the job without scanning a finished chunk again.  Stop with
    Ctrl-C (the running job is resumed later).
    """
    from legacyscan.jobs.broker import TASK
    from legacyscan.jobs.payload import check_name, queue_name
    from legacyscan.jobs.policy import PolicyError, SitePolicy
    from legacyscan.jobs.worker import Sweeper, WorkerContext, run_job

    check_name(site, "site")
    for vantage in vantages:
        check_name(vantage, "vantage")
    policy = SitePolicy.load(policy_file)
    if policy.site != site:
        raise PolicyError(f"{policy_file} is the policy of site {policy.site!r}, not {site!r}")
    missing = [v for v in vantages if v not in policy.vantages]
    if missing:
        raise PolicyError(f"{policy_file}: vantage point(s) {', '.join(missing)} not listed")
    try:  # a work folder it cannot write would fail every job: say it now
        policy.work_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PolicyError(f"{policy_file}: work_dir {policy.work_dir}: {exc.strerror}") from None
    from legacyscan.inventory import Inventory

    with Inventory.open(db) as inventory:  # unreachable or bad inventory: say it now
        location = inventory.location
    app, config = _engine(broker_file)
    ctx = WorkerContext(
        policy=policy,
        db=db,
        app=app,
        vantages=vantages,
        name=name or f"{socket.gethostname()}:{os.getpid()}",
        lease=lease,
        as_of=as_of_date(as_of) if as_of else None,
        say=lambda text: progress(f"[{ctx.name}] {text}"),
    )

    @app.task(name=TASK, acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator]
    def run(message: object) -> dict[str, Any]:
        return run_job(ctx, message)

    queues = [queue_name(site)] + [queue_name(site, v) for v in vantages]
    echo(
        f"worker {ctx.name}: site {site}, queues {', '.join(queues)}, broker {config.shown}, "
        f"inventory {location}, policy {policy_file}",
        err=True,
    )
    sweeper = Sweeper(ctx)
    sweeper.start()
    try:
        worker = app.Worker(
            queues=queues, pool="solo", concurrency=1, hostname=f"{ctx.name}@{site}",
            without_heartbeat=True, without_mingle=True, without_gossip=True, quiet=True,
            loglevel="WARNING",
        )  # fmt: skip
        worker.start()
    finally:
        sweeper.stop()
    raise SystemExit(worker.exitcode or 0)


@click.command("jobs")
@click.option("--site", default=None, help="Only the jobs of this site.")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]),
              default=None, help="Only the jobs in this state.")  # fmt: skip
@click.option("--db", "db", default=None, metavar="PATH|URL", help=DB_HELP)
@format_option
def jobs_command(site: str | None, state: str | None, db: str | None, fmt: str) -> None:
    """List the scan jobs: queued, running (with progress), done and failed (with why).

    The state is kept in the inventory, not in the broker: it survives a broker restart.
    Scheduled jobs (dispatch --every) are listed below with their next time.
    """
    from legacyscan.inventory import Inventory
    from legacyscan.jobs.schedule import describe
    from legacyscan.jobs.store import JobStore

    with Inventory.open(db, create=False) as inventory:
        store = JobStore(inventory.backend)
        jobs, schedules = store.jobs(site=site, state=state), store.schedules(site)
        location = inventory.location
    if fmt == "json":
        data = {"inventory": location, "jobs": jobs, "schedules": schedules}
        echo(json.dumps({k: to_data(v) for k, v in data.items()}, indent=2, ensure_ascii=False))
        return
    echo(f"inventory: {location}")
    if not jobs:
        echo("no job yet (send one: legacyscan dispatch TARGETS --site SITE)")
    else:
        echo(f"{'id':>4}  {'state':<7}  {'site/vantage':<22}  {'progress':<14}  {'scan':>5}  "
             f"{'worker':<24}  targets")  # fmt: skip
    for job in jobs:
        shown = " ".join(job.payload.targets[:3]) + (" ..." if len(job.payload.targets) > 3 else "")
        done = f"{job.chunks_done}/{job.chunks_total} chunks" if job.chunks_total else ""
        scan = str(job.scan_id) if job.scan_id is not None else ""
        echo(f"{job.id:>4}  {job.state:<7}  {field(job.where):<22}  {done:<14}  {scan:>5}  "
             f"{field(job.worker):<24}  {field(shown)}")  # fmt: skip
        if job.reason:
            echo(f"{'':>6}why: {field(job.reason)}")
    for schedule in schedules:
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(schedule.next_due))
        echo(f"schedule {schedule.id}: {field(schedule.site)} every {describe(schedule.every_s)}, "
             f"next due {when}: {field(' '.join(schedule.payload.targets[:3]))}")  # fmt: skip
