-- The ledger's primitives as database functions, so that a spend or a purchase is one statement:
-- one round trip, and the account's row lock is held only while that statement runs. The
-- application's multi-step operations (transfers, holds, refunds, grants) call the same functions.

-- Posts an EXPIRE entry for every grant of the (locked) account whose expiry has come, zeroes those
-- grants and lowers the balance, then answers the balance and what active holds reserve. It runs
-- as its own statement after the lock is taken, so it reads what committed while the lock was
-- awaited (a lock statement's own snapshot predates the wait).
CREATE FUNCTION "credits_settle_account"(p_account_id uuid, p_user_id uuid, p_app_id text, p_balance bigint)
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
  RETURN QUERY SELECT settled,
    (SELECT COALESCE(SUM(h.amount), 0) FROM credit_holds h
      WHERE h.account_id = p_account_id AND h.status = 'ACTIVE' AND h.expires_at > now())::bigint;
END;
$$;

-- Takes p_amount from the (locked) account's live grants in burn order (lowest priority, soonest
-- expiry, oldest first) and answers what it took from which grant as [{grantId, amount}]. The
-- caller has checked that the grants can pay; if they cannot, an invariant is broken and nothing
-- may be posted, so it raises.
CREATE FUNCTION "credits_burn_grants"(p_account_id uuid, p_amount bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  allocations jsonb;
  covered bigint;
BEGIN
  WITH live AS (
    SELECT id, remaining,
      SUM(remaining) OVER (ORDER BY priority, expires_at NULLS LAST, created_at, id) AS running
    FROM credit_grants
    WHERE account_id = p_account_id AND remaining > 0 AND (expires_at IS NULL OR expires_at > now())
  ), taken AS (
    SELECT id, LEAST(remaining, p_amount - (running - remaining)) AS taken
    FROM live WHERE running - remaining < p_amount
  ), burned AS (
    UPDATE credit_grants g SET remaining = g.remaining - taken.taken
    FROM taken WHERE g.id = taken.id
    RETURNING g.id, taken.taken
  )
  SELECT COALESCE(jsonb_agg(jsonb_build_object('grantId', id, 'amount', taken)), '[]'::jsonb),
    COALESCE(SUM(taken), 0)
  INTO allocations, covered FROM burned;
  IF covered <> p_amount THEN
    RAISE EXCEPTION 'grants of account % cover % of %', p_account_id, covered, p_amount;
  END IF;
  RETURN allocations;
END;
$$;

-- A debit that links to nothing but (optionally) a purchase it records: a SPEND or a PURCHASE, in
-- one statement. Claims the idempotency key first (a concurrent twin waits on it, then replays or
-- conflicts), locks the account, settles it, refuses unless what is not held can pay, burns
-- grants, posts the entry and stores the response under the key. A refusal removes the claim, so a
-- retry runs anew. Answers the outcome: ok | replayed | conflict | insufficient | unknown_user |
-- unknown_app, with the response (ok, replayed) or what is available (insufficient).
CREATE FUNCTION "credits_debit"(
  p_scope text, p_key text, p_operation text, p_request_hash text,
  p_user_id uuid, p_app_id text, p_amount bigint,
  p_type "CreditTransactionType", p_description text, p_metadata jsonb,
  p_actor_type "ActorType", p_actor_id text,
  p_item_id text, p_item_name text
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
BEGIN
  INSERT INTO idempotency_keys (scope, key, operation, request_hash)
  VALUES (p_scope, p_key, p_operation, p_request_hash)
  ON CONFLICT (scope, key) DO NOTHING;
  IF NOT FOUND THEN
    SELECT k.request_hash, k.response INTO stored FROM idempotency_keys k
    WHERE k.scope = p_scope AND k.key = p_key;
    IF stored.request_hash IS DISTINCT FROM p_request_hash OR stored.response IS NULL THEN
      RETURN QUERY SELECT 'conflict'::text, NULL::jsonb, NULL::bigint;
    ELSE
      RETURN QUERY SELECT 'replayed'::text, stored.response, NULL::bigint;
    END IF;
    RETURN;
  END IF;

  SELECT a.id, a.balance INTO account_id, balance FROM credit_accounts a
  WHERE a.user_id = p_user_id AND a.app_id = p_app_id
  FOR UPDATE;
  IF account_id IS NULL THEN
    DELETE FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = p_key;
    RETURN QUERY SELECT
      CASE WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = p_user_id) THEN 'unknown_user'
           WHEN NOT EXISTS (SELECT 1 FROM apps WHERE id = p_app_id) THEN 'unknown_app'
           ELSE 'insufficient' END,
      NULL::jsonb, 0::bigint;
    RETURN;
  END IF;

  SELECT s.balance, s.held INTO balance, held
  FROM credits_settle_account(account_id, p_user_id, p_app_id, balance) s;
  IF GREATEST(0, balance - held) < p_amount THEN
    DELETE FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = p_key;
    RETURN QUERY SELECT 'insufficient'::text, NULL::jsonb, GREATEST(0, balance - held);
    RETURN;
  END IF;

  IF p_item_id IS NOT NULL THEN
    purchase_id := gen_random_uuid();
    INSERT INTO purchases (id, account_id, user_id, app_id, item_id, item_name, credits, created_by_type, created_by_id)
    VALUES (purchase_id, account_id, p_user_id, p_app_id, p_item_id, p_item_name, p_amount, p_actor_type, p_actor_id);
  END IF;
  allocations := credits_burn_grants(account_id, p_amount);

  WITH changed AS (
    UPDATE credit_accounts a SET balance = a.balance - p_amount, updated_at = now()
    WHERE a.id = account_id
    RETURNING a.balance
  )
  INSERT INTO credit_transactions (account_id, user_id, app_id, type, amount, balance_after,
    description, metadata, actor_type, actor_id, idempotency_key, purchase_id)
  SELECT account_id, p_user_id, p_app_id, p_type, -p_amount, changed.balance, p_description,
    COALESCE(p_metadata, '{}'::jsonb) || jsonb_build_object('grants', allocations),
    p_actor_type, p_actor_id, p_key, purchase_id
  FROM changed
  RETURNING credit_transactions.id, credit_transactions.balance_after INTO entry_id, balance_after;

  result := jsonb_build_object('transactionId', entry_id::text, 'balance', balance_after,
    'available', GREATEST(0, balance_after - held));
  IF purchase_id IS NOT NULL THEN
    result := result || jsonb_build_object('purchaseId', purchase_id);
  END IF;
  UPDATE idempotency_keys k SET response = result WHERE k.scope = p_scope AND k.key = p_key;
  RETURN QUERY SELECT 'ok'::text, result, NULL::bigint;
END;
$$;
