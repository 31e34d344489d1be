-- Webhook endpoints and their deliveries (issue 17). The outbox (credit_events) says what
-- happened; the worker fans each event out into one delivery per endpoint that wants it, in the
-- transaction that also queues the delivery's pg-boss job and marks the event dispatched, so an
-- event becomes exactly one delivery per endpoint however often the worker restarts.

-- The signing secret is kept as is: it signs every request, so it cannot be a hash. It is shown
-- once, at creation or rotation. After a rotation the previous secret keeps signing too (a second
-- signature in the same header) until previous_secret_expires_at, so receivers can switch over.
CREATE TABLE "webhook_endpoints" (
  "id" UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
  "url" TEXT NOT NULL CHECK ("url" ~ '^https?://' AND length("url") <= 2048),
  "description" TEXT NOT NULL DEFAULT '' CHECK (length("description") <= 500),
  -- The event types it receives; empty: every type except the opt-in ones (credits.spent).
  "event_types" TEXT[] NOT NULL DEFAULT '{}',
  "enabled" BOOLEAN NOT NULL DEFAULT true,
  "secret" TEXT NOT NULL CHECK ("secret" LIKE 'whsec_%'),
  "previous_secret" TEXT CHECK ("previous_secret" LIKE 'whsec_%'),
  "previous_secret_expires_at" TIMESTAMPTZ(3),
  -- Since when every attempt has failed (NULL: the last attempt succeeded, or none failed yet).
  "failing_since" TIMESTAMPTZ(3),
  "disabled_at" TIMESTAMPTZ(3),
  "disabled_reason" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT "webhook_endpoints_rotation_check"
    CHECK (("previous_secret" IS NULL) = ("previous_secret_expires_at" IS NULL)),
  CONSTRAINT "webhook_endpoints_disabled_at_check"
    CHECK ("enabled" OR "disabled_at" IS NOT NULL)
);

-- The operators' list, newest first.
CREATE INDEX "webhook_endpoints_created_at_idx" ON "webhook_endpoints" ("created_at" DESC, "id" DESC);

-- One event to one endpoint. status: queued (waits for the worker to queue its job: a resend, a
-- test event), pending (its job is queued or running), succeeded, failed (every retry failed),
-- canceled (its endpoint was disabled before it went out). event_id NULL: a test event.
CREATE TABLE "webhook_deliveries" (
  "id" UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
  "endpoint_id" UUID NOT NULL REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE,
  "event_id" UUID REFERENCES "credit_events"("id") ON DELETE RESTRICT,
  "status" TEXT NOT NULL CHECK ("status" IN ('queued', 'pending', 'succeeded', 'failed', 'canceled')),
  "attempts" INTEGER NOT NULL DEFAULT 0 CHECK ("attempts" >= 0),
  "last_attempt_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT "webhook_deliveries_endpoint_event_key" UNIQUE ("endpoint_id", "event_id")
);

-- An endpoint's delivery log, newest first (keyset).
CREATE INDEX "webhook_deliveries_endpoint_created_idx"
  ON "webhook_deliveries" ("endpoint_id", "created_at" DESC, "id" DESC);
-- Where an event went (the event's page in the admin app).
CREATE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" ("event_id")
  WHERE "event_id" IS NOT NULL;
-- What the worker polls besides the outbox: resends and test events waiting for their job.
CREATE INDEX "webhook_deliveries_queued_idx" ON "webhook_deliveries" ("created_at")
  WHERE "status" = 'queued';

-- Every attempt of a delivery, as operators read it in the delivery log.
CREATE TABLE "webhook_delivery_attempts" (
  "id" BIGSERIAL PRIMARY KEY,
  "delivery_id" UUID NOT NULL REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE,
  "attempted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  -- NULL: no HTTP answer (timeout, refused connection, refused address); `error` says which.
  "status_code" INTEGER,
  "duration_ms" INTEGER NOT NULL CHECK ("duration_ms" >= 0),
  -- The first bytes of the answer's body, as text.
  "response_excerpt" TEXT NOT NULL DEFAULT '' CHECK (length("response_excerpt") <= 1000),
  "error" TEXT
);

CREATE INDEX "webhook_delivery_attempts_delivery_idx"
  ON "webhook_delivery_attempts" ("delivery_id", "id" DESC);
