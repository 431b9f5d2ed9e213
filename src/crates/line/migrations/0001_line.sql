-- DFU Station's line store, schema version 1 (applied by `dfu-station line init`).
-- The units of per-board data, which station and board took each, and every station's
-- production records; docs/line.md describes each column.

-- One import of a values file (`dfu-station line import CONFIG VALUES`).
CREATE TABLE batches (
    id            bigserial   PRIMARY KEY,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    config_name   text        NOT NULL,
    config_sha256 text        NOT NULL,
    values_name   text        NOT NULL,
    values_sha256 text        NOT NULL,
    -- The values file's header: the id column, then the keys, in the file's order.
    header        jsonb       NOT NULL
);

-- One unit of per-board data: a row of a values file, given to one board at most.
CREATE TABLE units (
    id          text        PRIMARY KEY,
    -- The order units are given in (the import's order).
    seq         bigserial   NOT NULL UNIQUE,
    batch_id    bigint      NOT NULL REFERENCES batches (id),
    -- Its row in the values file (the header is row 1).
    row_number  integer     NOT NULL,
    -- Its values by column name, as the NVS image is built from them.
    cells       jsonb       NOT NULL,
    -- free: no board had it; claimed: a board is being flashed with it; flashed: that
    -- board passed; spent: that board failed, or its outcome was never confirmed. A unit
    -- that left `free` never returns to it.
    status      text        NOT NULL DEFAULT 'free'
                CHECK (status IN ('free', 'claimed', 'flashed', 'spent')),
    station     text,
    -- The claiming station's log folder (its outbox), which confirms or spends it.
    station_id  text,
    board       text,
    claim_id    text        UNIQUE,
    claimed_at  timestamptz,
    finished_at timestamptz,
    -- The production record that confirmed it.
    record_id   text,
    -- Why it was spent without a record.
    note        text
);
CREATE INDEX units_free ON units (seq) WHERE status = 'free';
CREATE INDEX units_claimed ON units (station_id) WHERE status = 'claimed';

-- Every station's production records, each once (a resend is ignored).
CREATE TABLE records (
    record_id     text        PRIMARY KEY,
    -- The order records reached the database.
    arrival       bigserial   NOT NULL UNIQUE,
    station       text        NOT NULL,
    station_id    text        NOT NULL,
    -- The record's line in the station's dfu-station-log.jsonl.
    local_seq     bigint      NOT NULL,
    recorded_at   timestamptz NOT NULL,
    usb_path      text        NOT NULL,
    serial        text        NOT NULL,
    chip          text        NOT NULL,
    image_name    text        NOT NULL,
    image_sha256  text        NOT NULL,
    result        text        NOT NULL CHECK (result IN ('pass', 'fail', 'cancelled')),
    error_code    text,
    error_message text,
    duration_ms   bigint      NOT NULL,
    bytes         bigint      NOT NULL,
    unit_id       text,
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_station ON records (station, arrival);
CREATE INDEX records_unit ON records (unit_id) WHERE unit_id IS NOT NULL;

-- Each unit with the records of the board(s) it went to: what the factory's own tools read.
CREATE VIEW unit_records AS
SELECT u.id AS unit_id, u.status, u.station AS claimed_by, u.board AS claimed_board,
       u.claimed_at, u.finished_at, u.note,
       r.record_id, r.station, r.recorded_at, r.usb_path, r.serial, r.chip,
       r.image_name, r.image_sha256, r.result, r.error_code, r.error_message, r.duration_ms
FROM units u
LEFT JOIN records r ON r.unit_id = u.id AND r.station_id = u.station_id
ORDER BY u.seq, r.arrival;
