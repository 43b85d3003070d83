"""Scan jobs sent to the scanners of each site: dispatch, site workers, the job engine.

``legacyscan dispatch`` checks a scope with the guards of ``scan`` (``collect/scope.py``
through ``plan_request``), records the job in the inventory and sends a wake-up message
on the site's queue (Celery, Redis by default); ``legacyscan worker`` consumes only its
site's (and vantage point's) queue, checks the job again against its local policy file
before any packet, and runs the ordinary live scan (``pipeline.scan``), each finished
piece committed to the central inventory.  The job's state lives in the inventory
(``store.py``), so it survives the broker, and a job whose worker died is resumed by the
next worker of its site from the pieces already committed.  docs/sites.md says how to
deploy it.

``payload`` (what a message carries: no secret), ``policy`` (what a scanner may ever
scan), ``schedule`` (``--every``), ``store`` (jobs and schedules in the inventory),
``broker`` (URL, credentials, TLS, the Celery app), ``worker`` (one job run),
``dispatch`` (check, record, send).
"""
