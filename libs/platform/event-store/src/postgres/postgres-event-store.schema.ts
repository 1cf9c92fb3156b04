/**
 * Schema of the PostgreSQL event store.
 *
 * Ordering guarantee for readers of `$all` (the "sequence taken by a transaction that
 * commits after a later one" trap): every append runs inside one function call that
 *   1. takes a session advisory lock (APPEND_LOCK_KEY),
 *   2. assigns the transaction its id (`pg_current_xact_id()`),
 *   3. takes global positions from the sequence while inserting,
 *   4. releases the lock, then commits.
 * So transaction ids and positions are handed out in the same order. A reader only
 * sees events whose transaction id is below the oldest transaction still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`): every such transaction has finished,
 * and every transaction still running holds positions above all of them, so an event
 * can never become visible behind a reader's checkpoint. The lock covers only the
 * inserts, not the commit's WAL flush, so commits of different appends still group.
 * The cost: a long-open transaction anywhere in the cluster delays readers (never
 * loses or reorders events) until it ends.
 *
 * Stored history is append-only in the database too: a trigger refuses UPDATE, DELETE and
 * TRUNCATE of events to every role, owner and superuser included (a row may only be taken
 * back by the transaction that inserted it, before it commits — as append_events does with
 * a retried append). A migration that truly must rewrite events disables the trigger in its
 * own transaction (`ALTER TABLE … DISABLE TRIGGER`, which only the table's owner can do).
 * Events appended by chain v2 carry their recorded time in `metadata.recordedAt` (hashed);
 * `recorded_at` stores exactly that instant. Each such append also replaces the stream's
 * signed head in `stream_heads` in the same transaction (`p_head_mac`).
 * The role EVENT_WRITER_ROLE (NOLOGIN) holds only what the services need on this schema:
 * SELECT and INSERT on events, SELECT/INSERT/UPDATE on stream_heads, the functions; grant
 * it to the services' login role, and run migrations as the owner.
 */
export const APPEND_LOCK_KEY = 7_355_608;
export const NOTIFY_CHANNEL = 'event_store_appended';
/** The group role the services' database user is given (see above). */
export const EVENT_WRITER_ROLE = 'complaints_event_writer';

/** Expected-revision sentinels passed to append_events. */
export const EXPECTED_NO_STREAM = -1;
export const EXPECTED_ANY = -2;
export const EXPECTED_STREAM_EXISTS = -3;

/** How many of the ids exist, how many of them in the stream, and where (dynamic SQL: $1 ids, $2 stream). */
const duplicateCheck = (schema: string): string =>
  `'SELECT count(*), count(*) FILTER (WHERE e.stream_id = $2), max(e.stream_revision), max(e.position) FROM ${schema}.events e WHERE e.event_id = ANY ($1)'`;

export const eventStoreSchemaSql = (schema: string): string => `
CREATE SCHEMA IF NOT EXISTS ${schema};

CREATE TABLE IF NOT EXISTS ${schema}.events (
  position        bigserial   PRIMARY KEY,
  tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_revision_unique UNIQUE (stream_id, stream_revision)
);

CREATE TABLE IF NOT EXISTS ${schema}.stream_heads (
  stream_id       text        PRIMARY KEY,
  stream_revision bigint      NOT NULL,
  last_hash       text        NOT NULL,
  mac             text        NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE OR REPLACE FUNCTION ${schema}.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.tx_id = pg_current_xact_id() THEN
      RETURN OLD; -- inserted by this very transaction, not committed: not history yet
    END IF;
  END IF;
  RAISE EXCEPTION 'stored events are append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'History is never edited; a migration that must rewrite it disables trigger events_append_only in its own transaction.';
END
$fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '${schema}.events'::regclass AND tgname = 'events_append_only') THEN
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${schema}.events
      FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_event_change();
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '${schema}.events'::regclass AND tgname = 'events_no_truncate') THEN
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${schema}.events
      FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_event_change();
  END IF;
END
$do$;

-- The earlier signatures (without the head): replaced by the ones below.
DROP FUNCTION IF EXISTS ${schema}.append_events_batch(text[], bigint[], int[], uuid[], text[], jsonb[], jsonb[]);
DROP FUNCTION IF EXISTS ${schema}.append_events(text, bigint, uuid[], text[], jsonb[], jsonb[]);

CREATE OR REPLACE FUNCTION ${schema}.append_events(
  p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_head_mac text DEFAULT NULL
) RETURNS TABLE (outcome text, stream_revision bigint, last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_n int := coalesce(array_length(p_ids, 1), 0);
  v_current bigint;
  v_existing int;
  v_existing_here int;
  v_existing_rev bigint;
  v_existing_pos bigint;
  v_inserted int;
  v_positions bigint[];
  v_last_position bigint;
BEGIN
  PERFORM pg_advisory_lock(${APPEND_LOCK_KEY});
  BEGIN
    PERFORM pg_current_xact_id();

    SELECT e.stream_revision INTO v_current
      FROM ${schema}.events e WHERE e.stream_id = p_stream
      ORDER BY e.stream_revision DESC LIMIT 1;

    IF (p_expected = ${EXPECTED_NO_STREAM} AND v_current IS NOT NULL)
       OR (p_expected = ${EXPECTED_STREAM_EXISTS} AND v_current IS NULL)
       OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
      -- A retried append whose events are all stored already is a no-op whatever the
      -- stream's revision is now; anything else is a concurrency conflict.
      EXECUTE ${duplicateCheck(schema)} INTO v_existing, v_existing_here, v_existing_rev, v_existing_pos USING p_ids, p_stream;
      PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
      IF v_existing = v_n AND v_existing_here = v_n THEN
        RETURN QUERY SELECT 'idempotent'::text, v_existing_rev, v_existing_pos;
      ELSIF v_existing > 0 THEN
        RETURN QUERY SELECT 'duplicate_ids'::text, v_existing_rev, v_existing_pos;
      ELSE
        RETURN QUERY SELECT 'wrong_expected_revision'::text, v_current, NULL::bigint;
      END IF;
      RETURN;
    END IF;

    -- Ids stored already are found by the unique index while inserting, not by a
    -- separate lookup beforehand: a cached generic plan for \`event_id = ANY($1)\`, made
    -- while the table was small, scans the whole table on every append (append time
    -- grew with the size of the store until the next ANALYZE).
    WITH inserted AS (
      INSERT INTO ${schema}.events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
      SELECT u.id, p_stream, coalesce(v_current, -1) + u.ord, u.type, u.data, u.metadata,
             CASE WHEN u.metadata ? 'chain' THEN (u.metadata->>'recordedAt')::timestamptz ELSE clock_timestamp() END
        FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, type, data, metadata, ord)
       ORDER BY u.ord
      ON CONFLICT ON CONSTRAINT events_event_id_unique DO NOTHING
      RETURNING position
    )
    SELECT count(*), max(position), array_agg(position) INTO v_inserted, v_last_position, v_positions FROM inserted;

    IF v_inserted < v_n THEN
      -- Some of these ids are stored already: the append is a retry (a no-op) or an
      -- error, and none of it is kept. (Rare, so planned afresh each time: EXECUTE.)
      IF v_inserted > 0 THEN
        EXECUTE 'DELETE FROM ${schema}.events WHERE position = ANY ($1)' USING v_positions;
      END IF;
      EXECUTE ${duplicateCheck(schema)} INTO v_existing, v_existing_here, v_existing_rev, v_existing_pos USING p_ids, p_stream;
      PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
      IF v_existing = v_n AND v_existing_here = v_n THEN
        RETURN QUERY SELECT 'idempotent'::text, v_existing_rev, v_existing_pos;
      ELSE
        RETURN QUERY SELECT 'duplicate_ids'::text, v_existing_rev, v_existing_pos;
      END IF;
      RETURN;
    END IF;

    IF p_head_mac IS NOT NULL THEN
      INSERT INTO ${schema}.stream_heads AS h (stream_id, stream_revision, last_hash, mac)
      VALUES (p_stream, coalesce(v_current, -1) + v_n, p_metadata[v_n]->>'hash', p_head_mac)
      ON CONFLICT (stream_id) DO UPDATE
        SET stream_revision = EXCLUDED.stream_revision, last_hash = EXCLUDED.last_hash, mac = EXCLUDED.mac, updated_at = clock_timestamp();
    END IF;

    PERFORM pg_notify('${NOTIFY_CHANNEL}', p_stream);
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
    RETURN QUERY SELECT 'ok'::text, coalesce(v_current, -1) + v_n, v_last_position;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
    RAISE;
  END;
END
$fn$;

-- Group commit: the appends that arrive together in one process go in one transaction
-- (one WAL flush, one turn of the append lock), each with its own outcome. An append
-- that meets a concurrent writer's uncommitted row (a unique violation) is undone alone
-- (its own subtransaction) and reported as such; the caller retries it by itself.
CREATE OR REPLACE FUNCTION ${schema}.append_events_batch(
  p_streams text[], p_expected bigint[], p_counts int[], p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[],
  p_head_macs text[] DEFAULT NULL
) RETURNS TABLE (idx int, outcome text, stream_revision bigint, last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_from int := 1;
  v_to int;
  r record;
BEGIN
  PERFORM pg_advisory_lock(${APPEND_LOCK_KEY});
  BEGIN
    PERFORM pg_current_xact_id();
    FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
      v_to := v_from + p_counts[i] - 1;
      idx := i;
      BEGIN
        SELECT * INTO r FROM ${schema}.append_events(p_streams[i], p_expected[i], p_ids[v_from:v_to], p_types[v_from:v_to], p_data[v_from:v_to], p_metadata[v_from:v_to], p_head_macs[i]);
        outcome := r.outcome;
        stream_revision := r.stream_revision;
        last_position := r.last_position;
      EXCEPTION WHEN unique_violation THEN
        outcome := 'unique_violation';
        stream_revision := NULL;
        last_position := NULL;
      END;
      RETURN NEXT;
      v_from := v_to + 1;
    END LOOP;
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
    RAISE;
  END;
END
$fn$;

-- Units of work (the port's commitUnit): each unit's records and appends commit together
-- or not at all (a subtransaction per unit), and the units that arrive together in one
-- process share one transaction (one WAL flush, one turn of the append lock), each with
-- its own outcome: 'ok' with the revision and position of each append; or, with the unit
-- undone, 'record_exists' / 'record_present' (part = the record's index, 1-based),
-- an append's own outcome ('wrong_expected_revision', 'duplicate_ids'; part = the
-- append's index, stream_revisions = the stream's revision), 'unique_violation' (a
-- concurrent writer's uncommitted row) or 'error' (detail = the message).
-- A record is {"insert": "schema.table", "row": {...}} (a new row; one with the same key
-- fails the unit) or {"absent": "schema.table", "where": {...}} (fails the unit when a
-- matching row exists). Runs with the caller's privileges on those tables.
CREATE OR REPLACE FUNCTION ${schema}.append_units(
  p_unit_appends int[], p_records jsonb[],
  p_streams text[], p_expected bigint[], p_counts int[], p_head_macs text[],
  p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (idx int, outcome text, part int, stream_revisions bigint[], last_positions bigint[], detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_append int := 1;
  v_event int := 1;
  v_first_append int;
  v_first_event int;
  v_to int;
  v_rec jsonb;
  v_table text;
  v_cols text;
  v_cond text;
  v_found boolean;
  v_step text;
  r record;
BEGIN
  PERFORM pg_advisory_lock(${APPEND_LOCK_KEY});
  BEGIN
    PERFORM pg_current_xact_id();
    FOR u IN 1 .. coalesce(array_length(p_unit_appends, 1), 0) LOOP
      idx := u;
      outcome := 'ok';
      part := NULL;
      stream_revisions := '{}';
      last_positions := '{}';
      detail := NULL;
      v_first_append := v_append;
      v_first_event := v_event;
      BEGIN
        FOR k IN 0 .. coalesce(jsonb_array_length(p_records[u]), 0) - 1 LOOP
          v_rec := p_records[u] -> k;
          part := k + 1;
          v_step := 'record';
          IF v_rec ? 'absent' THEN
            v_table := (v_rec ->> 'absent')::regclass::text;
            SELECT string_agg(format('t.%I = $1 ->> %L', key, key), ' AND ') INTO v_cond FROM jsonb_object_keys(v_rec -> 'where') AS key;
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s)', v_table, v_cond) INTO v_found USING v_rec -> 'where';
            IF v_found THEN
              outcome := 'record_present';
              RAISE EXCEPTION 'unit of work refused' USING ERRCODE = 'UW001';
            END IF;
          ELSE
            v_table := (v_rec ->> 'insert')::regclass::text;
            SELECT string_agg(format('%I', key), ', ') INTO v_cols FROM jsonb_object_keys(v_rec -> 'row') AS key;
            EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM jsonb_populate_record(NULL::%s, $1)', v_table, v_cols, v_cols, v_table) USING v_rec -> 'row';
          END IF;
        END LOOP;
        FOR a IN v_first_append .. v_first_append + p_unit_appends[u] - 1 LOOP
          v_to := v_event + p_counts[a] - 1;
          part := a - v_first_append + 1;
          v_step := 'append';
          SELECT * INTO r FROM ${schema}.append_events(p_streams[a], p_expected[a], p_ids[v_event:v_to], p_types[v_event:v_to], p_data[v_event:v_to], p_metadata[v_event:v_to], p_head_macs[a]);
          v_event := v_to + 1;
          stream_revisions := stream_revisions || r.stream_revision;
          last_positions := last_positions || r.last_position;
          IF r.outcome NOT IN ('ok', 'idempotent') THEN
            outcome := r.outcome;
            stream_revisions := ARRAY[r.stream_revision];
            RAISE EXCEPTION 'unit of work refused' USING ERRCODE = 'UW001';
          END IF;
        END LOOP;
        part := NULL;
      EXCEPTION
        WHEN SQLSTATE 'UW001' THEN
          last_positions := '{}';
        WHEN unique_violation THEN
          outcome := CASE WHEN v_step = 'record' THEN 'record_exists' ELSE 'unique_violation' END;
          stream_revisions := '{}';
          last_positions := '{}';
        WHEN OTHERS THEN
          outcome := 'error';
          detail := SQLERRM;
          stream_revisions := '{}';
          last_positions := '{}';
      END;
      -- Whatever happened inside, the next unit starts at its own appends and events.
      v_append := v_first_append + p_unit_appends[u];
      v_event := v_first_event;
      FOR a IN v_first_append .. v_append - 1 LOOP
        v_event := v_event + p_counts[a];
      END LOOP;
      RETURN NEXT;
    END LOOP;
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${APPEND_LOCK_KEY});
    RAISE;
  END;
END
$fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${EVENT_WRITER_ROLE}') THEN
    CREATE ROLE ${EVENT_WRITER_ROLE} NOLOGIN;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL; -- created by a concurrent migration of another database
  WHEN insufficient_privilege THEN RAISE NOTICE 'no CREATEROLE: role ${EVENT_WRITER_ROLE} not created';
END
$do$;

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${EVENT_WRITER_ROLE}') THEN
    GRANT USAGE ON SCHEMA ${schema} TO ${EVENT_WRITER_ROLE};
    GRANT SELECT, INSERT ON ${schema}.events TO ${EVENT_WRITER_ROLE};
    GRANT SELECT, INSERT, UPDATE ON ${schema}.stream_heads TO ${EVENT_WRITER_ROLE};
    GRANT USAGE, SELECT ON SEQUENCE ${schema}.events_position_seq TO ${EVENT_WRITER_ROLE};
    GRANT EXECUTE ON FUNCTION ${schema}.append_events(text, bigint, uuid[], text[], jsonb[], jsonb[], text) TO ${EVENT_WRITER_ROLE};
    GRANT EXECUTE ON FUNCTION ${schema}.append_events_batch(text[], bigint[], int[], uuid[], text[], jsonb[], jsonb[], text[]) TO ${EVENT_WRITER_ROLE};
    GRANT EXECUTE ON FUNCTION ${schema}.append_units(int[], jsonb[], text[], bigint[], int[], text[], uuid[], text[], jsonb[], jsonb[]) TO ${EVENT_WRITER_ROLE};
  END IF;
END
$do$;
`;