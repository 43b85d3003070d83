-- Version 4: scan jobs sent to the scanners of each site (legacyscan/jobs/), and the
-- stored schedules that repeat them.  The job's state lives here, not in the broker:
-- it survives a broker restart, and a job whose worker died is found and resumed.
CREATE TABLE jobs (
    id {id},
    site TEXT NOT NULL,
    vantage TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,              -- 'queued', 'running', 'done' or 'failed'
    payload TEXT NOT NULL,            -- the JobPayload as JSON: no secret, labels only
    created TEXT NOT NULL,
    sent TEXT,                        -- when the last wake-up message went to the broker
    started TEXT,
    finished TEXT,
    worker TEXT NOT NULL DEFAULT '',  -- the worker holding (or last holding) the job
    heartbeat REAL,                   -- seconds since the epoch: the worker's lease
    attempts INTEGER NOT NULL DEFAULT 0,
    scan_id BIGINT REFERENCES scans (id) ON DELETE SET NULL,  -- a discarded scan: begun again
    chunks_done INTEGER NOT NULL DEFAULT 0,
    chunks_total INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',  -- why a job failed or was refused, one line
    schedule_id BIGINT
);
CREATE INDEX jobs_by_site ON jobs (site, state);

CREATE TABLE schedules (
    id {id},
    site TEXT NOT NULL,
    vantage TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    every_s INTEGER NOT NULL,
    next_due REAL NOT NULL,           -- seconds since the epoch
    created TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
