-- The audit log records what service tokens change too (plan changes, customer upserts, sign-in
-- links: changes with no ledger entry to carry the caller's `created_by`). A row's actor is either
-- an operator (actor_id) or a service token (actor_token_id), never both and never neither;
-- recorded_by is who the calling backend said recorded the change (its `created_by`).

-- AlterTable
ALTER TABLE "audit_log" ALTER COLUMN "actor_id" DROP NOT NULL,
ADD COLUMN     "actor_token_id" UUID,
ADD COLUMN     "recorded_by" TEXT;

-- CreateIndex
CREATE INDEX "audit_log_actor_token_id_id_idx" ON "audit_log"("actor_token_id", "id" DESC);

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_token_id_fkey" FOREIGN KEY ("actor_token_id") REFERENCES "service_tokens"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─── Written by hand ─────────────────────────────────────────────────────────────────────────
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_one_actor"
  CHECK (("actor_id" IS NULL) <> ("actor_token_id" IS NULL));
