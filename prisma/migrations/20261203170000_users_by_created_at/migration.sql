-- The operators' list of users sorted by sign-up date, keyset-paginated by (created_at, id) either
-- way: a backward scan of this index serves the oldest-first order.
CREATE INDEX "users_created_at_id_idx" ON "users"("created_at" DESC, "id" DESC);
