"""``legacyscan dispatch``: check a job centrally, record it, send it to its site's queue.

The scope is checked by ``plan_request``, the one way to a plan that passes every guard
of ``scan`` (public addresses, size, exclusions, printer ports, the NSE denylist), with
the dispatcher's authorisation; nothing is recorded or sent when it fails.  The worker
checks the job again against its own policy before any packet.

A repeated job (``--every``) is a stored schedule: the first job is sent now, and the
next ones by ``run_schedules``, which ``legacyscan dispatch --run-schedule`` (from cron
or a systemd timer) and every worker of the site call; whoever moves the schedule's due
time first (one conditional UPDATE) sends the job, so a due job is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from legacyscan.collect.nmap.plan import Authorisation, ScanPlan, plan_request
from legacyscan.errors import UserError
from legacyscan.jobs.broker import send
from legacyscan.jobs.payload import JobPayload
from legacyscan.jobs.schedule import next_due
from legacyscan.jobs.store import JobStore


@dataclass(frozen=True)
class Dispatched:
    job_id: int
    schedule_id: int
    plan: ScanPlan
    queue: str


def check_centrally(payload: JobPayload) -> ScanPlan:
    """The job's plan through every guard of ``scan``; a ``UserError`` when refused."""
    authorised = Authorisation(payload.allow_public, payload.max_hosts, False)
    return plan_request(payload.request(), authorised)


def dispatch(
    jobs: JobStore, app: Any, payload: JobPayload, every_s: int | None, now: float
) -> Dispatched:
    """Check, record (and schedule), send; the job is in the inventory before the broker."""
    plan = check_centrally(payload)
    schedule_id = jobs.add_schedule(payload, every_s, now + every_s) if every_s else 0
    payload = replace(payload, schedule_id=schedule_id)
    job_id = jobs.create(payload, schedule_id or None)
    send(app, replace(payload, job_id=job_id).to_message(), payload.queue)
    jobs.mark_sent(job_id)
    return Dispatched(job_id, schedule_id, plan, payload.queue)


def run_schedules(jobs: JobStore, app: Any, now: float, site: str | None = None) -> tuple[int, ...]:
    """Send the jobs of the schedules that are due (of ``site``); their job ids.

    A schedule whose scope the guards now refuse (the limits changed) records a failed
    job with the reason, so that ``legacyscan jobs`` shows it, and stays scheduled.
    """
    started = []
    for schedule in jobs.schedules(site):
        if schedule.next_due > now:
            continue
        if not jobs.take_due(
            schedule, schedule.next_due, next_due(schedule.next_due, schedule.every_s, now)
        ):
            continue  # another worker or dispatcher sent it just now
        payload = replace(schedule.payload, schedule_id=schedule.id)
        job_id = jobs.create(payload, schedule.id)
        try:
            check_centrally(payload)
        except UserError as exc:
            jobs.fail(job_id, "dispatch", f"refused by dispatch: {exc}")
            started.append(job_id)
            continue
        send(app, replace(payload, job_id=job_id).to_message(), payload.queue)
        jobs.mark_sent(job_id)
        started.append(job_id)
    return tuple(started)
