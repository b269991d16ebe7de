-- Where a finding comes from. `traffic`: derived from a host's discovery state (sensitive
-- data and posture checks); the whole set of a host's traffic findings is replaced on every
-- commit of that host, because the state they are computed from already accumulates counts.
-- `external`: written with `Store::upsert_findings` (scanner, gateway), merged by id.
ALTER TABLE findings ADD COLUMN source TEXT NOT NULL DEFAULT 'external';
CREATE INDEX findings_by_source ON findings (host, source);
