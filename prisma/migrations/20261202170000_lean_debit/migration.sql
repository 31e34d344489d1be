-- A leaner spend statement (issue 16): the same guarantees as credits_debit of
-- 20261202061000_recorded_by, with less database work per spend.
--
-- 1. The idempotency key is written once, with its response, instead of inserted first and
--    updated after (and deleted again on a refusal): a lookup answers replays and conflicts, and
--    the insert at the end settles a race between twins (below).
-- 2. The account row carries `next_expiry_at`: no live grant of the account expires before it
--    (NULL: none expires). Triggers on credit_grants keep it, so no code path can forget to;
--    `ledger:verify` checks it. Until that time a spend runs no settle (no grant scan, no CTE),
--    only the hold read, one index probe. The held total stays a read: keeping it on the row
--    would make every hold change lock its account from credit_holds' side, against the order
--    (account, then hold) that captures and releases take, and deadlock the expiry sweep.
-- 3. credit_transactions loses (account_id, id DESC): no query reads it (test/indexes.test.ts
--    names the query of every index that stays). (account_id, created_at DESC, id DESC) still
--    serves the account's foreign key and balance-at-a-date.

DROP INDEX "credit_transactions_account_id_id_idx";

ALTER TABLE "credit_accounts" ADD COLUMN "next_expiry_at" TIMESTAMPTZ(3);
UPDATE "credit_accounts" a SET
  "next_expiry_at" = (SELECT MIN(g."expires_at") FROM "credit_grants" g
                      WHERE g."account_id" = a."id" AND g."remaining" > 0);

-- What the account's active, unexpired holds reserve: the hold read of credits_settle_account,
-- for a spend that has nothing to settle (one probe of credit_holds_active_idx; nothing when the
-- account holds nothing).
CREATE FUNCTION "credits_account_held"(p_account_id uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT COALESCE(SUM(h.amount), 0)::bigint FROM credit_holds h
  WHERE h.account_id = p_account_id AND h.status = 'ACTIVE' AND h.expires_at > now()
$$;

-- A grant that becomes live with an expiry moves the account's next expiry earlier if it is
-- sooner. Burns (remaining going down) fire nothing: the stored time stays a lower bound, and the
-- settle that finds nothing due at it moves it to the real next expiry.
CREATE FUNCTION "credits_grant_expiry"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "credit_accounts" SET "next_expiry_at" = NEW."expires_at"
  WHERE "id" = NEW."account_id"
    AND ("next_expiry_at" IS NULL OR "next_expiry_at" > NEW."expires_at");
  RETURN NULL;
END;
$$;
CREATE TRIGGER "credit_grants_expiry_inserted"
  AFTER INSERT ON "credit_grants"
  FOR EACH ROW WHEN (NEW."remaining" > 0 AND NEW."expires_at" IS NOT NULL)
  EXECUTE FUNCTION "credits_grant_expiry"();
CREATE TRIGGER "credit_grants_expiry_updated"
  AFTER UPDATE OF "remaining", "expires_at", "account_id" ON "credit_grants"
  FOR EACH ROW WHEN (NEW."remaining" > 0 AND NEW."expires_at" IS NOT NULL
    AND (OLD."remaining" = 0 OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
         OR OLD."account_id" IS DISTINCT FROM NEW."account_id"))
  EXECUTE FUNCTION "credits_grant_expiry"();

-- credits_settle_account of 20261201200000_one_statement_debits, which now also moves the
-- account's next expiry to what is left live after it posted what was due.
CREATE OR REPLACE FUNCTION "credits_settle_account"(p_account_id uuid, p_user_id uuid, p_app_id text, p_balance bigint)
RETURNS TABLE (balance bigint, held bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
-- PL/pgSQL rather than SQL: its statements' plans are cached per connection, where a SQL
-- function's data-modifying CTE would be planned again on every call.
DECLARE
  settled bigint;
BEGIN
  WITH due AS (
    SELECT id, remaining, expires_at, created_at FROM credit_grants
    WHERE account_id = p_account_id AND remaining > 0 AND expires_at <= now()
    FOR UPDATE
  ), zeroed AS (
    UPDATE credit_grants g SET remaining = 0, expired_at = now()
    FROM due WHERE g.id = due.id
    RETURNING g.id, due.remaining, due.expires_at, due.created_at
  ), entries AS (
    INSERT INTO credit_transactions
      (account_id, user_id, app_id, type, amount, balance_after, description, actor_type, grant_id)
    SELECT p_account_id, p_user_id, p_app_id, 'EXPIRE', -remaining,
      p_balance - SUM(remaining) OVER (ORDER BY expires_at, created_at, id),
      'Credits expired', 'SYSTEM', id
    FROM zeroed ORDER BY expires_at, created_at, id
    RETURNING amount
  ), updated AS (
    UPDATE credit_accounts SET balance = balance + (SELECT SUM(amount) FROM entries), updated_at = now()
    WHERE id = p_account_id AND EXISTS (SELECT 1 FROM entries)
    RETURNING credit_accounts.balance
  )
  SELECT COALESCE((SELECT updated.balance FROM updated), p_balance) INTO settled;
  -- What is left live decides the next time anything is due (credits_debit reads nothing before).
  UPDATE credit_accounts a SET next_expiry_at = (SELECT MIN(g.expires_at) FROM credit_grants g
    WHERE g.account_id = p_account_id AND g.remaining > 0)
  WHERE a.id = p_account_id AND a.next_expiry_at IS DISTINCT FROM (SELECT MIN(g.expires_at)
    FROM credit_grants g WHERE g.account_id = p_account_id AND g.remaining > 0);
  RETURN QUERY SELECT settled,
    (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
      WHERE h.account_id = p_account_id AND h.status = 'ACTIVE' AND h.expires_at > now())::bigint;
END;
$$;

-- credits_debit with the key written once and the settle read only when something can be due.
-- Answers as before; a refusal leaves no key behind, as before (nothing was written).
DROP FUNCTION "credits_debit"(text, text, text, text, uuid, text, bigint, "CreditTransactionType",
  text, jsonb, "ActorType", text, text, text, text);

CREATE FUNCTION "credits_debit"(
  p_scope text, p_key text, p_operation text, p_request_hash text,
  p_user_id uuid, p_app_id text, p_amount bigint,
  p_type "CreditTransactionType", p_description text, p_metadata jsonb,
  p_actor_type "ActorType", p_actor_id text,
  p_item_id text, p_item_name text, p_recorded_by text
) RETURNS TABLE (outcome text, response jsonb, available bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  stored record;
  account_id uuid;
  balance bigint;
  held bigint;
  purchase_id uuid;
  allocations jsonb;
  entry_id bigint;
  balance_after bigint;
  result jsonb;
  next_expiry timestamptz;
BEGIN
  SELECT k.request_hash, k.response INTO stored FROM idempotency_keys k
  WHERE k.scope = p_scope AND k.key = p_key;
  IF FOUND THEN
    IF stored.request_hash IS DISTINCT FROM p_request_hash OR stored.response IS NULL THEN
      RETURN QUERY SELECT 'conflict'::text, NULL::jsonb, NULL::bigint;
    ELSE
      RETURN QUERY SELECT 'replayed'::text, stored.response, NULL::bigint;
    END IF;
    RETURN;
  END IF;

  SELECT a.id, a.balance, a.next_expiry_at
  INTO account_id, balance, next_expiry FROM credit_accounts a
  WHERE a.user_id = p_user_id AND a.app_id = p_app_id
  FOR UPDATE;
  IF account_id IS NULL THEN
    RETURN QUERY SELECT
      CASE WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = p_user_id) THEN 'unknown_user'
           WHEN NOT EXISTS (SELECT 1 FROM apps WHERE id = p_app_id) THEN 'unknown_app'
           ELSE 'insufficient' END,
      NULL::jsonb, 0::bigint;
    RETURN;
  END IF;

  -- The account row says when anything can next be due: until then nothing is read to settle.
  IF next_expiry <= now() THEN
    SELECT s.balance, s.held INTO balance, held
    FROM credits_settle_account(account_id, p_user_id, p_app_id, balance) s;
  ELSE
    held := credits_account_held(account_id);
  END IF;
  IF GREATEST(0, balance - held) < p_amount THEN
    RETURN QUERY SELECT 'insufficient'::text, NULL::jsonb, GREATEST(0, balance - held);
    RETURN;
  END IF;

  IF p_item_id IS NOT NULL THEN
    purchase_id := gen_random_uuid();
    INSERT INTO purchases (id, account_id, user_id, app_id, item_id, item_name, credits,
      created_by_type, created_by_id, recorded_by)
    VALUES (purchase_id, account_id, p_user_id, p_app_id, p_item_id, p_item_name, p_amount,
      p_actor_type, p_actor_id, p_recorded_by);
  END IF;
  allocations := credits_burn_grants(account_id, p_amount);

  WITH changed AS (
    UPDATE credit_accounts a SET balance = a.balance - p_amount, updated_at = now()
    WHERE a.id = account_id
    RETURNING a.balance
  )
  INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after,
    description, metadata, actor_type, actor_id, idempotency_key, purchase_id, recorded_by)
  SELECT account_id, p_user_id, p_app_id, p_type, -p_amount, changed.balance, p_description,
    COALESCE(p_metadata, '{}'::jsonb) || jsonb_build_object('grants', allocations),
    p_actor_type, p_actor_id, p_key, purchase_id, p_recorded_by
  FROM changed
  RETURNING credit_transactions.id, credit_transactions.balance_after INTO entry_id, balance_after;

  result := jsonb_build_object('transactionId', entry_id::text, 'balance', balance_after,
    'available', GREATEST(0, balance_after - held));
  IF purchase_id IS NOT NULL THEN
    result := result || jsonb_build_object('purchaseId', purchase_id);
  END IF;
  -- The key is written once, with its response. A twin that ran at the same time committed it
  -- first (this insert waited for it): this attempt must not take effect, so it is undone whole
  -- with a serialization failure, which the caller retries and then finds the stored answer.
  INSERT INTO idempotency_keys (scope, key, operation, request_hash, response)
  VALUES (p_scope, p_key, p_operation, p_request_hash, result)
  ON CONFLICT (scope, key) DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'idempotency key % was claimed by a concurrent request', p_key
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN QUERY SELECT 'ok'::text, result, NULL::bigint;
END;
$$;
