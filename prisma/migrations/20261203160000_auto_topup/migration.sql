-- Auto top-up (issue 17, item 6): "when available credits fall below X, buy pack Y" per user and
-- app, charged off-session to a card saved through Stripe. The settings row is also where the card
-- is kept once saved, before the user has configured anything (below/pack/cap still NULL).
CREATE TABLE "auto_topup_settings" (
  "id" UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
  "user_id" UUID NOT NULL REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "app_id" TEXT NOT NULL REFERENCES "apps"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "enabled" BOOLEAN NOT NULL DEFAULT false,
  "below_credits" BIGINT CHECK ("below_credits" > 0),
  "pack_id" TEXT,
  "monthly_cap_credits" BIGINT CHECK ("monthly_cap_credits" > 0),
  "stripe_payment_method_id" TEXT,
  -- What the billing page shows of the saved card ("visa •••• 4242"), so it never asks Stripe.
  "card_brand" TEXT,
  "card_last4" TEXT CHECK ("card_last4" ~ '^[0-9]{4}$'),
  -- Why it was turned off by a failed charge, in words for the user; cleared when turned back on.
  "disabled_reason" TEXT,
  -- Counts the crossings that started a charge: attempt n's idempotency key is
  -- autotopup:<id>:<n>, taken under this row's lock, so one crossing is one key.
  "crossings" INTEGER NOT NULL DEFAULT 0 CHECK ("crossings" >= 0),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT "auto_topup_settings_user_app_key" UNIQUE ("user_id", "app_id"),
  -- On only when it is fully set up: a threshold, a pack, a cap that fits it, and a card.
  CONSTRAINT "auto_topup_settings_enabled_check" CHECK (NOT "enabled" OR (
    "below_credits" IS NOT NULL AND "pack_id" IS NOT NULL AND "monthly_cap_credits" IS NOT NULL
    AND "stripe_payment_method_id" IS NOT NULL))
);

-- Every charge an auto top-up started. status: pending (the payment intent is being created or
-- Stripe has not confirmed it yet), succeeded (the webhook granted the credits), failed.
CREATE TABLE "auto_topup_attempts" (
  "id" UUID NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
  "settings_id" UUID NOT NULL REFERENCES "auto_topup_settings"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "user_id" UUID NOT NULL REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "app_id" TEXT NOT NULL REFERENCES "apps"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "idempotency_key" TEXT NOT NULL,
  "pack_id" TEXT NOT NULL,
  "credits" BIGINT NOT NULL CHECK ("credits" > 0),
  "amount_cents" INTEGER NOT NULL CHECK ("amount_cents" > 0),
  "payment_intent_id" TEXT,
  "status" TEXT NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'succeeded', 'failed')),
  "failure_code" TEXT,
  "failure_message" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT "auto_topup_attempts_idempotency_key_key" UNIQUE ("idempotency_key"),
  CONSTRAINT "auto_topup_attempts_payment_intent_id_key" UNIQUE ("payment_intent_id")
);

-- At most one charge in flight per account, whatever runs the rounds and however many.
CREATE UNIQUE INDEX "auto_topup_attempts_one_pending_key" ON "auto_topup_attempts" ("user_id", "app_id")
  WHERE "status" = 'pending';
-- The month's charges of an account (the cap) and the admin page's list, newest first.
CREATE INDEX "auto_topup_attempts_account_created_idx"
  ON "auto_topup_attempts" ("user_id", "app_id", "created_at" DESC);
