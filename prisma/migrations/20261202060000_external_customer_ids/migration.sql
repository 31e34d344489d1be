-- Other backends name their users by their own ids ("42", "user_abc123"): a user row keeps that
-- id, unique, so crediting an unknown one creates its customer exactly once however many requests
-- race. Such a customer may have no email (it signs in on the web only once linked), so the
-- sign-in email becomes optional; it stays unique where it is set.
ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL;
ALTER TABLE "users" ADD COLUMN "external_id" TEXT;
ALTER TABLE "users" ADD CONSTRAINT "users_external_id_format"
  CHECK ("external_id" ~ '^[A-Za-z0-9._:@-]{1,128}$');
CREATE UNIQUE INDEX "users_external_id_key" ON "users"("external_id");

-- Operators list users by email, and a customer without one by its external id.
CREATE INDEX "users_search_order_idx" ON "users" ((coalesce("email", "external_id", "id"::text)));
