-- Version 1: scans, the chunks each one committed, raw evidence, per-device results.
-- {id} and {blob} are replaced by the dialect's identity and binary column types.
CREATE TABLE schema_version (version INTEGER NOT NULL);

CREATE TABLE scans (
    id {id},
    kind TEXT NOT NULL,               -- 'scan' (live) or 'import' (files handed over)
    status TEXT NOT NULL,             -- 'running' until finish_scan, then 'finished'
    started TEXT NOT NULL,
    finished TEXT,
    as_of TEXT NOT NULL,
    site TEXT NOT NULL DEFAULT '',
    vantage TEXT NOT NULL DEFAULT '',
    profile TEXT NOT NULL DEFAULT '',
    targets TEXT NOT NULL,            -- JSON list
    legacyscan_version TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL,               -- ScanMeta as codec JSON (command lines, tool versions...)
    summary TEXT                      -- ScanSummary as codec JSON, set when finished
);

CREATE TABLE chunks (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    chunk_key TEXT NOT NULL,
    recorded TEXT NOT NULL,
    host_count INTEGER NOT NULL,
    PRIMARY KEY (scan_id, chunk_key)
);

CREATE TABLE observations (
    id {id},
    scan_id BIGINT NOT NULL,
    chunk_key TEXT NOT NULL,
    address TEXT,
    mac TEXT,
    host TEXT NOT NULL,               -- Host as codec JSON: every field, new ones too
    FOREIGN KEY (scan_id, chunk_key) REFERENCES chunks (scan_id, chunk_key) ON DELETE CASCADE
);
CREATE INDEX observations_by_chunk ON observations (scan_id, chunk_key);

CREATE TABLE evidence (
    id {id},
    scan_id BIGINT NOT NULL,
    chunk_key TEXT NOT NULL,
    name TEXT NOT NULL,               -- e.g. nmap.xml
    media_type TEXT NOT NULL,
    content {blob} NOT NULL,
    FOREIGN KEY (scan_id, chunk_key) REFERENCES chunks (scan_id, chunk_key) ON DELETE CASCADE
);

CREATE TABLE results (
    id {id},
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    address TEXT,
    mac TEXT,
    result TEXT NOT NULL              -- DeviceResult as codec JSON
);
CREATE INDEX results_by_scan ON results (scan_id);

INSERT INTO schema_version (version) VALUES (1);
