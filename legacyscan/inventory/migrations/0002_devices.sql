-- Version 2: devices followed across scans.  Results of version-1 inventories are linked
-- by the simplest rule that needs no re-assessment: one device per site and MAC, or per
-- site and address where no MAC was seen.  Scans recorded from now on use the full rules
-- of docs/inventory.md (identity, DHCP churn, re-addressing).
CREATE TABLE devices (
    id {id},
    site TEXT NOT NULL,
    mac TEXT,
    address TEXT,
    name TEXT NOT NULL DEFAULT '',    -- sysName or host name when one was seen
    identity TEXT NOT NULL DEFAULT '',-- vendor/product of the main identity
    first_scan BIGINT NOT NULL REFERENCES scans (id),
    last_scan BIGINT NOT NULL REFERENCES scans (id)
);
CREATE INDEX devices_by_mac ON devices (mac);
CREATE INDEX devices_by_address ON devices (site, address);

ALTER TABLE results ADD COLUMN device_id BIGINT REFERENCES devices (id);

INSERT INTO devices (site, mac, address, first_scan, last_scan)
SELECT s.site, r.mac, MIN(r.address), MIN(s.id), MAX(s.id)
FROM results r JOIN scans s ON s.id = r.scan_id
WHERE r.mac IS NOT NULL
GROUP BY s.site, r.mac;

INSERT INTO devices (site, mac, address, first_scan, last_scan)
SELECT s.site, NULL, r.address, MIN(s.id), MAX(s.id)
FROM results r JOIN scans s ON s.id = r.scan_id
WHERE r.mac IS NULL AND r.address IS NOT NULL
GROUP BY s.site, r.address;

UPDATE results SET device_id = (
    SELECT d.id FROM devices d JOIN scans s ON s.site = d.site
    WHERE s.id = results.scan_id
      AND ((results.mac IS NOT NULL AND d.mac = results.mac)
        OR (results.mac IS NULL AND d.mac IS NULL AND d.address = results.address))
);
