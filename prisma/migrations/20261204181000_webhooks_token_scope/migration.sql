-- The `webhooks` scope of service tokens: managing webhook endpoints and reading their delivery
-- logs, which `read` and `write` no longer allow (an endpoint receives every customer's events).
-- No existing token is given it: an operator creates a token for it on purpose.
ALTER TABLE "service_tokens" DROP CONSTRAINT "service_tokens_scopes_known";
ALTER TABLE "service_tokens" ADD CONSTRAINT "service_tokens_scopes_known"
  CHECK ("scopes" <@ ARRAY['read', 'write', 'webhooks']::text[] AND cardinality("scopes") > 0);
