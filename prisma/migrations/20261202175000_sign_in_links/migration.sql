-- A customer another backend created has no password; a sign-in link (made by that backend or an
-- operator) lets the person behind it choose one. Only the hash of the link's token is stored, one
-- live link per user; the partial unique index is what redeeming a link looks it up by.
ALTER TABLE "users" ADD COLUMN "sign_in_link_hash" TEXT,
                    ADD COLUMN "sign_in_link_expires_at" TIMESTAMPTZ(3);

ALTER TABLE "users" ADD CONSTRAINT "users_sign_in_link_complete"
  CHECK (("sign_in_link_hash" IS NULL) = ("sign_in_link_expires_at" IS NULL));

CREATE UNIQUE INDEX "users_sign_in_link_hash_key" ON "users"("sign_in_link_hash")
  WHERE "sign_in_link_hash" IS NOT NULL;
