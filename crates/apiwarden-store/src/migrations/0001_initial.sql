-- apiwarden store, schema version 1.
--
-- Applied by `SqliteStore::open` inside one transaction, which also sets
-- `PRAGMA user_version = 1` and the apiwarden `application_id`. Never edit a migration
-- that has shipped: add `0002_*.sql` and append it to `MIGRATIONS` in `sqlite.rs`.
--
-- Conventions: timestamps are microseconds since the Unix epoch (`*_us`, INTEGER);
-- `*_json`/`data`/`state`/`summary` columns hold serde JSON text of the apiwarden-core
-- type named in the comment; the other columns of such a row are copies kept only so
-- that SQL can filter, sort and aggregate without decoding JSON.

-- Every call merged into the inventory, so that re-ingesting the same call is a no-op.
-- `id` is the 128-bit `CallId`, big-endian, so blob order is numeric order.
-- `host` and `started_at_us` are for future pruning; `Commit` does not carry them yet, so
-- they are NULL for now. `recorded_at_us` is when the commit was written.
CREATE TABLE calls (
    id             BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    host           TEXT,
    started_at_us  INTEGER,
    recorded_at_us INTEGER NOT NULL
) WITHOUT ROWID;

-- The discovery state of each host (`discovery::HostInventory` as JSON), with the version
-- optimistic concurrency checks: 1 after the first commit, +1 on every commit.
-- An ordinary rowid table because states can be megabytes (WITHOUT ROWID suits small rows).
CREATE TABLE host_state (
    host          TEXT    NOT NULL PRIMARY KEY,
    version       INTEGER NOT NULL CHECK (version > 0),
    state         TEXT    NOT NULL,
    updated_at_us INTEGER NOT NULL
);

-- The materialised inventory (`Endpoint` as JSON), replaced per host on every commit.
-- The key's column order (host, template, method) is the listing order, so listings
-- read the primary key index in order and need no sort.
CREATE TABLE endpoints (
    host          TEXT    NOT NULL REFERENCES host_state (host) ON DELETE CASCADE,
    template      TEXT    NOT NULL,
    method        TEXT    NOT NULL,
    calls         INTEGER NOT NULL,
    first_seen_us INTEGER NOT NULL,
    last_seen_us  INTEGER NOT NULL,
    data          TEXT    NOT NULL,
    PRIMARY KEY (host, template, method)
);

-- Findings (`Finding` as JSON), merged by id. `severity` is a rank: 0 info, 1 low,
-- 2 medium, 3 high, 4 critical. `host` is NULL for findings not tied to an endpoint.
CREATE TABLE findings (
    id            TEXT    NOT NULL PRIMARY KEY,
    severity      INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
    category      TEXT    NOT NULL,
    rule          TEXT    NOT NULL,
    host          TEXT,
    count         INTEGER NOT NULL,
    first_seen_us INTEGER NOT NULL,
    last_seen_us  INTEGER NOT NULL,
    data          TEXT    NOT NULL
);
CREATE INDEX findings_by_host ON findings (host, severity DESC, last_seen_us DESC);
CREATE INDEX findings_by_severity ON findings (severity DESC, last_seen_us DESC);

-- User-supplied OpenAPI documents, one per origin (the path as given).
CREATE TABLE specs (
    origin      TEXT    NOT NULL PRIMARY KEY,
    content     TEXT    NOT NULL,
    added_at_us INTEGER NOT NULL
);

-- One row per ingest run (`IngestRun` as JSON in `summary`).
CREATE TABLE ingest_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at_us  INTEGER NOT NULL,
    finished_at_us INTEGER NOT NULL,
    summary        TEXT    NOT NULL
);
CREATE INDEX ingest_runs_by_start ON ingest_runs (started_at_us DESC, id DESC);
