-- Version 3: which knowledge (fingerprints, EOL records) judged a scan, so that a diff
-- can tell "the device changed" from "our knowledge changed".
ALTER TABLE scans ADD COLUMN data_version TEXT NOT NULL DEFAULT '';
CREATE INDEX scans_by_site ON scans (site, status);
