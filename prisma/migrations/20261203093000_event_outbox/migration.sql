-- The transactional outbox of events to integrators (issue 17). An event row is written by the
-- same transaction as the change it reports, so a change and its event commit or vanish together;
-- the delivery worker reads undelivered rows afterwards, however long after (a crash in between
-- loses nothing).
--
-- Every event of one customer carries the next number of that customer's sequence (across apps),
-- so receivers can put a customer's events in order. The counter lives in its own table, not on
-- users: taking the next number locks only that row, which nothing else (sessions, profile
-- changes) waits on. A change takes it after its account locks, like everything it writes.
CREATE TABLE "customer_event_sequences" (
  "user_id" UUID NOT NULL PRIMARY KEY REFERENCES "users"("id") ON DELETE RESTRICT,
  "last_sequence" BIGINT NOT NULL CHECK ("last_sequence" > 0)
);

CREATE TABLE "credit_events" (
  "id" UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
  "type" TEXT NOT NULL CHECK ("type" ~ '^[a-z_]+\.[a-z_]+$'),
  "user_id" UUID NOT NULL REFERENCES "users"("id") ON DELETE RESTRICT,
  "app_id" TEXT REFERENCES "apps"("id") ON DELETE RESTRICT,
  "sequence" BIGINT NOT NULL,
  -- The event's data as receivers get it: the state after the change, with the customer's ids.
  "data" JSONB NOT NULL CHECK (jsonb_typeof("data") = 'object'),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  -- Set once the worker has turned the event into deliveries for the endpoints that want it.
  "dispatched_at" TIMESTAMPTZ(3),
  CONSTRAINT "credit_events_user_sequence_key" UNIQUE ("user_id", "sequence")
);

-- What the worker polls: the few events not yet dispatched, oldest first.
CREATE INDEX "credit_events_undispatched_idx" ON "credit_events" ("created_at")
  WHERE "dispatched_at" IS NULL;

-- Records one event in the calling transaction and answers its id and sequence number. SQL
-- callers (the spend functions) and the TypeScript service layer use this one function. The data
-- gets the customer's ids added: `user_id` is the id the integrator knows (its external id, or the
-- platform id for a customer without one), `platform_user_id` always the platform's, and `app_id`.
CREATE FUNCTION "credits_record_event"(p_type text, p_user_id uuid, p_app_id text, p_data jsonb)
RETURNS TABLE (id uuid, sequence bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  next_sequence bigint;
  known_as text;
BEGIN
  INSERT INTO customer_event_sequences AS s (user_id, last_sequence) VALUES (p_user_id, 1)
  ON CONFLICT (user_id) DO UPDATE SET last_sequence = s.last_sequence + 1
  RETURNING s.last_sequence INTO next_sequence;
  SELECT COALESCE(u.external_id, u.id::text) INTO known_as FROM users u WHERE u.id = p_user_id;
  RETURN QUERY
    INSERT INTO credit_events (type, user_id, app_id, sequence, data)
    VALUES (p_type, p_user_id, p_app_id, next_sequence,
      COALESCE(p_data, '{}'::jsonb) || jsonb_strip_nulls(jsonb_build_object(
        'user_id', known_as, 'platform_user_id', p_user_id::text, 'app_id', p_app_id)))
    RETURNING credit_events.id, credit_events.sequence;
END;
$$;

-- Opt-in event types (credits.spent) that at least one enabled endpoint asks for by name. The
-- spend path records such an event only while its row exists: one primary-key probe, so spends
-- cost nothing more when nobody listens. Kept by the endpoint service in the transaction that
-- creates, changes, enables or disables an endpoint.
CREATE TABLE "wanted_event_types" (
  "type" TEXT NOT NULL PRIMARY KEY
);
