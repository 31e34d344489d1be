-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('FREE', 'PRO', 'PREMIUM');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('ACTIVE', 'TRIALING', 'PAST_DUE', 'CANCELED', 'INCOMPLETE');

-- CreateEnum
CREATE TYPE "StripeEventStatus" AS ENUM ('PROCESSED', 'IGNORED', 'FAILED');

-- CreateEnum
CREATE TYPE "StripePaymentKind" AS ENUM ('CREDIT_PACK', 'SUBSCRIPTION');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "stripe_customer_id" TEXT;

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "tier" "Tier" NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "current_period_start" TIMESTAMPTZ(3) NOT NULL,
    "current_period_end" TIMESTAMPTZ(3) NOT NULL,
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "canceled_at" TIMESTAMPTZ(3),
    "past_due_since" TIMESTAMPTZ(3),
    "pending_tier" "Tier",
    "stripe_subscription_id" TEXT,
    "stripe_price_id" TEXT,
    "stripe_schedule_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_events" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" "StripeEventStatus" NOT NULL,
    "error" TEXT,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "user_id" UUID,
    "event_created_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_payments" (
    "id" TEXT NOT NULL,
    "kind" "StripePaymentKind" NOT NULL,
    "user_id" UUID NOT NULL,
    "app_id" TEXT NOT NULL,
    "payment_intent_id" TEXT,
    "stripe_subscription_id" TEXT,
    "amount_paid" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "credits" BIGINT NOT NULL,
    "grant_id" UUID,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),
    "amount_refunded" BIGINT NOT NULL DEFAULT 0,
    "credits_clawed_back" BIGINT NOT NULL DEFAULT 0,
    "shortfall" BIGINT NOT NULL DEFAULT 0,
    "dispute_id" TEXT,
    "dispute_status" TEXT,
    "dispute_hold_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_counters" (
    "user_id" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "used" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_counters_pkey" PRIMARY KEY ("user_id","feature","period_start")
);

-- CreateTable
CREATE TABLE "usage_daily" (
    "user_id" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "quantity" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("user_id","day","feature")
);

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_user_id_key" ON "subscriptions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_stripe_subscription_id_key" ON "subscriptions"("stripe_subscription_id");

-- CreateIndex
CREATE INDEX "subscriptions_tier_status_idx" ON "subscriptions"("tier", "status");

-- CreateIndex
CREATE INDEX "stripe_events_received_at_idx" ON "stripe_events"("received_at" DESC);

-- CreateIndex
CREATE INDEX "stripe_events_status_received_at_idx" ON "stripe_events"("status", "received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "stripe_payments_payment_intent_id_key" ON "stripe_payments"("payment_intent_id");

-- CreateIndex
CREATE INDEX "stripe_payments_user_id_created_at_idx" ON "stripe_payments"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "stripe_payments_stripe_subscription_id_period_end_idx" ON "stripe_payments"("stripe_subscription_id", "period_end");

-- CreateIndex
CREATE UNIQUE INDEX "users_stripe_customer_id_key" ON "users"("stripe_customer_id");

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stripe_payments" ADD CONSTRAINT "stripe_payments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─── Written by hand ─────────────────────────────────────────────────────────────────────────
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_period_ordered"
  CHECK ("current_period_end" > "current_period_start");
ALTER TABLE "stripe_payments" ADD CONSTRAINT "stripe_payments_amounts_valid"
  CHECK ("amount_paid" >= 0 AND "credits" >= 0 AND "amount_refunded" BETWEEN 0 AND "amount_paid"
    AND "credits_clawed_back" >= 0 AND "shortfall" >= 0
    AND "credits_clawed_back" + "shortfall" <= "credits");
ALTER TABLE "usage_counters" ADD CONSTRAINT "usage_counters_used_not_negative" CHECK ("used" >= 0);
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_quantity_positive" CHECK ("quantity" > 0);

-- What needs an operator's attention is found without scanning everything.
CREATE INDEX "stripe_payments_with_shortfall_idx" ON "stripe_payments" ("updated_at" DESC) WHERE "shortfall" > 0;
CREATE INDEX "stripe_payments_dispute_id_idx" ON "stripe_payments" ("dispute_id") WHERE "dispute_id" IS NOT NULL;
