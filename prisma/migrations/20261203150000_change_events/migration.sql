-- The events of changes made in many places (issue 17): subscriptions are written by Stripe's
-- webhook, plan changes, operators and the service API; holds expire in the sweep and when a
-- capture or release finds them late. A trigger per table records the event in the transaction of
-- the write, whoever made it, so no path can forget it.

-- subscription.created on a user's first row; subscription.canceled when the status becomes
-- CANCELED or a cancellation at the period's end is scheduled; subscription.updated when the tier,
-- status, period, scheduled cancellation or pending tier changes otherwise. A write that changes
-- none of these (a replayed Stripe event) records nothing.
CREATE FUNCTION "credits_subscription_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_type text;
  data jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    event_type := 'subscription.created';
  ELSIF NEW.status = 'CANCELED' AND OLD.status IS DISTINCT FROM 'CANCELED'
     OR NEW.cancel_at_period_end AND NOT OLD.cancel_at_period_end THEN
    event_type := 'subscription.canceled';
  ELSIF (NEW.tier, NEW.status, NEW.current_period_start, NEW.current_period_end,
         NEW.cancel_at_period_end, NEW.pending_tier)
        IS DISTINCT FROM
        (OLD.tier, OLD.status, OLD.current_period_start, OLD.current_period_end,
         OLD.cancel_at_period_end, OLD.pending_tier) THEN
    event_type := 'subscription.updated';
  ELSE
    RETURN NULL;
  END IF;
  data := jsonb_build_object(
    'subscription_id', NEW.id::text,
    'tier', lower(NEW.tier::text),
    'status', lower(NEW.status::text),
    'current_period_start', NEW.current_period_start,
    'current_period_end', NEW.current_period_end,
    'cancel_at_period_end', NEW.cancel_at_period_end,
    'pending_tier', lower(NEW.pending_tier::text),
    'stripe_subscription_id', NEW.stripe_subscription_id);
  IF TG_OP = 'UPDATE' THEN
    data := data || jsonb_build_object('previous_tier', lower(OLD.tier::text),
      'previous_status', lower(OLD.status::text));
  END IF;
  PERFORM credits_record_event(event_type, NEW.user_id, NULL, data);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "subscriptions_events" AFTER INSERT OR UPDATE ON "subscriptions"
  FOR EACH ROW EXECUTE FUNCTION "credits_subscription_event"();

-- hold.expired when an active hold's time ran out (its credits are available again).
CREATE FUNCTION "credits_hold_expired_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  account record;
BEGIN
  SELECT a.user_id, a.app_id, a.balance INTO account FROM credit_accounts a WHERE a.id = NEW.account_id;
  PERFORM credits_record_event('hold.expired', account.user_id, account.app_id, jsonb_build_object(
    'hold_id', NEW.id::text,
    'amount', NEW.amount,
    'description', NEW.description,
    'expired_at', NEW.expires_at,
    'balance', account.balance,
    'available', account.balance - credits_account_held(NEW.account_id)));
  RETURN NULL;
END;
$$;

CREATE TRIGGER "credit_holds_expired_event" AFTER UPDATE OF "status" ON "credit_holds"
  FOR EACH ROW WHEN (OLD.status = 'ACTIVE' AND NEW.status = 'EXPIRED')
  EXECUTE FUNCTION "credits_hold_expired_event"();

-- credits.expiring goes once per grant, CREDITS_EXPIRING_NOTICE_DAYS before it expires: the
-- worker sets this when it records the notice.
ALTER TABLE "credit_grants" ADD COLUMN "expiry_notice_at" TIMESTAMPTZ(3);

-- What the worker's notice round reads: live expiring grants not yet announced, soonest first.
CREATE INDEX "credit_grants_expiry_notice_idx" ON "credit_grants" ("expires_at")
  WHERE "expiry_notice_at" IS NULL AND "remaining" > 0 AND "expires_at" IS NOT NULL;
