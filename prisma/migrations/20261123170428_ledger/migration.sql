-- CreateEnum
CREATE TYPE "CreditTransactionType" AS ENUM ('GRANT', 'SPEND', 'PURCHASE', 'REFUND', 'TRANSFER_OUT', 'TRANSFER_IN', 'ADJUSTMENT', 'EXPIRE', 'HOLD_CAPTURE');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'ADMIN', 'SERVICE', 'STRIPE', 'SYSTEM');

-- CreateEnum
CREATE TYPE "GrantSource" AS ENUM ('PURCHASE', 'SUBSCRIPTION', 'ADMIN', 'PROMOTION', 'TRANSFER', 'REFUND');

-- CreateEnum
CREATE TYPE "HoldStatus" AS ENUM ('ACTIVE', 'CAPTURED', 'RELEASED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "PurchaseStatus" AS ENUM ('COMPLETED', 'REFUNDED', 'PARTIALLY_REFUNDED');

-- CreateTable
CREATE TABLE "apps" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "apps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_accounts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "balance" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transactions" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "type" "CreditTransactionType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "balance_after" BIGINT NOT NULL,
    "description" TEXT NOT NULL,
    "metadata" JSONB,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "idempotency_key" TEXT,
    "purchase_id" UUID,
    "transfer_id" UUID,
    "grant_id" UUID,
    "hold_id" UUID,
    "stripe_object_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "credit_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_grants" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "source" "GrantSource" NOT NULL,
    "amount" BIGINT NOT NULL,
    "remaining" BIGINT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "expires_at" TIMESTAMPTZ(3),
    "expired_at" TIMESTAMPTZ(3),
    "purchase_id" UUID,
    "stripe_object_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "credit_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_holds" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "amount" BIGINT NOT NULL,
    "captured_amount" BIGINT NOT NULL DEFAULT 0,
    "status" "HoldStatus" NOT NULL DEFAULT 'ACTIVE',
    "description" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "credit_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchases" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "item_id" TEXT NOT NULL,
    "item_name" TEXT NOT NULL,
    "credits" BIGINT NOT NULL,
    "refunded_credits" BIGINT NOT NULL DEFAULT 0,
    "status" "PurchaseStatus" NOT NULL DEFAULT 'COMPLETED',
    "created_by_type" "ActorType" NOT NULL,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "purchases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_transfers" (
    "id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "from_user_id" UUID NOT NULL,
    "to_user_id" UUID NOT NULL,
    "amount" BIGINT NOT NULL,
    "description" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "credit_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("scope","key")
);

-- CreateIndex
CREATE INDEX "credit_accounts_app_id_idx" ON "credit_accounts"("app_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_accounts_user_id_app_id_key" ON "credit_accounts"("user_id", "app_id");

-- CreateIndex
CREATE INDEX "credit_transactions_account_id_id_idx" ON "credit_transactions"("account_id", "id" DESC);

-- CreateIndex
CREATE INDEX "credit_transactions_user_id_id_idx" ON "credit_transactions"("user_id", "id" DESC);

-- CreateIndex
CREATE INDEX "credit_transactions_account_id_created_at_id_idx" ON "credit_transactions"("account_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "credit_transactions_purchase_id_idx" ON "credit_transactions"("purchase_id");

-- CreateIndex
CREATE INDEX "credit_transactions_transfer_id_idx" ON "credit_transactions"("transfer_id");

-- CreateIndex
CREATE INDEX "credit_transactions_hold_id_idx" ON "credit_transactions"("hold_id");

-- CreateIndex
CREATE INDEX "credit_transactions_grant_id_idx" ON "credit_transactions"("grant_id");

-- CreateIndex
CREATE INDEX "credit_grants_account_id_created_at_idx" ON "credit_grants"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "credit_holds_account_id_status_expires_at_idx" ON "credit_holds"("account_id", "status", "expires_at");

-- CreateIndex
CREATE INDEX "purchases_user_id_created_at_id_idx" ON "purchases"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "credit_transfers_from_user_id_idx" ON "credit_transfers"("from_user_id");

-- CreateIndex
CREATE INDEX "credit_transfers_to_user_id_idx" ON "credit_transfers"("to_user_id");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- AddForeignKey
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_accounts" ADD CONSTRAINT "credit_accounts_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_purchase_id_fkey" FOREIGN KEY ("purchase_id") REFERENCES "purchases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_transfer_id_fkey" FOREIGN KEY ("transfer_id") REFERENCES "credit_transfers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "credit_grants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_hold_id_fkey" FOREIGN KEY ("hold_id") REFERENCES "credit_holds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_purchase_id_fkey" FOREIGN KEY ("purchase_id") REFERENCES "purchases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_holds" ADD CONSTRAINT "credit_holds_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "credit_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transfers" ADD CONSTRAINT "credit_transfers_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transfers" ADD CONSTRAINT "credit_transfers_from_user_id_fkey" FOREIGN KEY ("from_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_transfers" ADD CONSTRAINT "credit_transfers_to_user_id_fkey" FOREIGN KEY ("to_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─── Written by hand: what Prisma's schema cannot express ──────────────────────────────────────

-- Every amount is a positive integer below 2^53, so it is exact as a JavaScript number too.
ALTER TABLE "credit_accounts"
  ADD CONSTRAINT "credit_accounts_balance_range" CHECK ("balance" >= 0 AND "balance" <= 9007199254740991);
ALTER TABLE "credit_transactions"
  ADD CONSTRAINT "credit_transactions_amount_nonzero" CHECK ("amount" <> 0),
  ADD CONSTRAINT "credit_transactions_balance_after_range" CHECK ("balance_after" >= 0 AND "balance_after" <= 9007199254740991),
  -- Credits in are positive entries, credits out negative; ADJUSTMENT goes either way.
  ADD CONSTRAINT "credit_transactions_amount_sign" CHECK (
    ("type" IN ('GRANT', 'REFUND', 'TRANSFER_IN') AND "amount" > 0)
    OR ("type" IN ('SPEND', 'PURCHASE', 'TRANSFER_OUT', 'EXPIRE', 'HOLD_CAPTURE') AND "amount" < 0)
    OR "type" = 'ADJUSTMENT'
  );
ALTER TABLE "credit_grants"
  ADD CONSTRAINT "credit_grants_amount_positive" CHECK ("amount" > 0 AND "amount" <= 9007199254740991),
  ADD CONSTRAINT "credit_grants_remaining_range" CHECK ("remaining" >= 0 AND "remaining" <= "amount");
ALTER TABLE "credit_holds"
  ADD CONSTRAINT "credit_holds_amount_positive" CHECK ("amount" > 0 AND "amount" <= 9007199254740991),
  ADD CONSTRAINT "credit_holds_captured_range" CHECK ("captured_amount" >= 0 AND "captured_amount" <= "amount");
ALTER TABLE "purchases"
  ADD CONSTRAINT "purchases_credits_positive" CHECK ("credits" > 0 AND "credits" <= 9007199254740991),
  ADD CONSTRAINT "purchases_refunded_range" CHECK ("refunded_credits" >= 0 AND "refunded_credits" <= "credits");
ALTER TABLE "credit_transfers"
  ADD CONSTRAINT "credit_transfers_amount_positive" CHECK ("amount" > 0 AND "amount" <= 9007199254740991),
  ADD CONSTRAINT "credit_transfers_not_to_self" CHECK ("from_user_id" <> "to_user_id");
ALTER TABLE "apps"
  ADD CONSTRAINT "apps_id_slug" CHECK ("id" ~ '^[a-z0-9][a-z0-9-]{0,31}$');

-- Burn order over the grants that can still pay: lowest priority, soonest expiry, oldest first.
CREATE INDEX "credit_grants_burn_order_idx" ON "credit_grants" ("account_id", "priority", "expires_at" NULLS LAST, "created_at", "id")
  WHERE "remaining" > 0;
-- Grants whose expiry has come but whose EXPIRE entry is not posted yet.
CREATE INDEX "credit_grants_due_expiry_idx" ON "credit_grants" ("expires_at") WHERE "remaining" > 0 AND "expires_at" IS NOT NULL;
-- Holds still reserving credits, for the available balance and the expiry sweep.
CREATE INDEX "credit_holds_active_idx" ON "credit_holds" ("account_id", "expires_at") WHERE "status" = 'ACTIVE';

-- The ledger is append-only: history is corrected by new entries, never by editing old ones.
CREATE FUNCTION "credit_transactions_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_transactions is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER "credit_transactions_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "credit_transactions"
  FOR EACH ROW EXECUTE FUNCTION "credit_transactions_append_only"();
CREATE TRIGGER "credit_transactions_no_truncate"
  BEFORE TRUNCATE ON "credit_transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION "credit_transactions_append_only"();

-- Live updates: every committed change of a balance or of what is held notifies `credit_changes`
-- (delivered at commit, so listeners never see a rolled-back change).
CREATE FUNCTION "notify_credit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_account_id uuid;
  changed_user_id uuid;
  changed_app_id text;
BEGIN
  IF TG_TABLE_NAME = 'credit_accounts' THEN
    changed_account_id := NEW."id";
    changed_user_id := NEW."user_id";
    changed_app_id := NEW."app_id";
  ELSE
    changed_account_id := NEW."account_id";
    SELECT "user_id", "app_id" INTO changed_user_id, changed_app_id
      FROM "credit_accounts" WHERE "id" = changed_account_id;
  END IF;
  PERFORM pg_notify('credit_changes', json_build_object(
    'accountId', changed_account_id, 'userId', changed_user_id, 'appId', changed_app_id)::text);
  RETURN NULL;
END;
$$;
CREATE TRIGGER "credit_accounts_notify"
  AFTER INSERT OR UPDATE OF "balance" ON "credit_accounts"
  FOR EACH ROW EXECUTE FUNCTION "notify_credit_change"();
CREATE TRIGGER "credit_holds_notify"
  AFTER INSERT OR UPDATE OF "status" ON "credit_holds"
  FOR EACH ROW EXECUTE FUNCTION "notify_credit_change"();

-- Credits always have an app to live in.
INSERT INTO "apps" ("id", "name") VALUES ('default', 'Default');
