-- CreateTable
CREATE TABLE "service_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "service_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "service_tokens_token_hash_key" ON "service_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "service_tokens_created_at_idx" ON "service_tokens"("created_at" DESC);

-- AddForeignKey
ALTER TABLE "service_tokens" ADD CONSTRAINT "service_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─── Written by hand ─────────────────────────────────────────────────────────────────────────
ALTER TABLE "service_tokens" ADD CONSTRAINT "service_tokens_scopes_known"
  CHECK ("scopes" <@ ARRAY['read', 'write']::text[] AND cardinality("scopes") > 0);
