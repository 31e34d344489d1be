-- Outbox retention (WEBHOOK_RETENTION_DAYS): the worker's maintenance round deletes dispatched
-- events older than the retention whose deliveries have all finished, and old finished test
-- deliveries. Both indexes are partial so that neither costs the hot path anything: an event is
-- inserted undispatched (it enters the first index only when the worker dispatches it, an update
-- that already changes an indexed predicate), and only test deliveries have no event.
CREATE INDEX "credit_events_dispatched_created_idx" ON "credit_events" ("created_at")
  WHERE "dispatched_at" IS NOT NULL;
CREATE INDEX "webhook_deliveries_test_created_idx" ON "webhook_deliveries" ("created_at")
  WHERE "event_id" IS NULL;
