-- Low-balance thresholds and the events of the spend path (issue 17).
--
-- An account's threshold is its own column (NULL: the deployment's default,
-- CREDITS_LOW_BALANCE_THRESHOLD, which the application passes to the spend functions as an
-- argument, so a spend reads nothing more to know it; 0: no low-balance alert).
--
-- The events are recorded by the debit's own transaction, after its account lock, through
-- credits_record_event:
-- - credits.balance_low when the debit takes available credits from at or above the threshold to
--   below it. The rule looks only at before and after, so it holds exactly once per crossing: the
--   account lock puts an account's debits in a line, only one of them crosses, and a grant that
--   brings the account back above re-arms it with no state to keep.
-- - credits.exhausted when a debit takes available credits from above 0 to 0.
-- - credits.spent (opt-in, high volume) for spends, purchases and captures, only while
--   wanted_event_types has its row: one primary-key probe per spend.
-- - credits.expired for each grant credits_settle_account expires (and its crossings, as above).
-- A spend that crosses nothing and that nobody listens to does no more than before: the gate below
-- compares numbers it already has.

ALTER TABLE "credit_accounts" ADD COLUMN "low_balance_threshold" BIGINT
  CHECK ("low_balance_threshold" >= 0 AND "low_balance_threshold" <= 9007199254740991);

-- Records the events of one debit of a locked account that lowered available credits from
-- p_available_before to p_available_after (a hold's reserve: no entry, p_hold_id instead).
-- p_is_spend: the debit is a spend, purchase or capture, which credits.spent reports if wanted.
CREATE FUNCTION "credits_record_debit_events"(
  p_user_id uuid, p_app_id text, p_entry_type text, p_amount bigint, p_balance bigint,
  p_available_before bigint, p_available_after bigint, p_threshold bigint,
  p_entry_id bigint, p_hold_id uuid, p_key text, p_is_spend boolean
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  data jsonb := jsonb_build_object('amount', p_amount, 'balance', p_balance,
    'available', p_available_after, 'threshold', p_threshold, 'entry_type', lower(p_entry_type))
    || jsonb_strip_nulls(jsonb_build_object('transaction_id', p_entry_id::text,
      'hold_id', p_hold_id::text, 'idempotency_key', p_key));
BEGIN
  IF p_is_spend AND EXISTS (SELECT 1 FROM wanted_event_types WHERE type = 'credits.spent') THEN
    PERFORM credits_record_event('credits.spent', p_user_id, p_app_id, data);
  END IF;
  IF p_threshold > 0 AND p_available_before >= p_threshold AND p_available_after < p_threshold THEN
    PERFORM credits_record_event('credits.balance_low', p_user_id, p_app_id, data);
  END IF;
  IF p_available_before > 0 AND p_available_after = 0 THEN
    PERFORM credits_record_event('credits.exhausted', p_user_id, p_app_id, data);
  END IF;
END;
$$;

-- credits_settle_account of 20261202170000_lean_debit, which now records a credits.expired event
-- for each grant it expires, and the crossings those expiries make. It reads the account's
-- threshold only when it expired something.
DROP FUNCTION "credits_settle_account"(uuid, uuid, text, bigint);
CREATE FUNCTION "credits_settle_account"(p_account_id uuid, p_user_id uuid, p_app_id text,
  p_balance bigint, p_default_threshold bigint DEFAULT 0)
RETURNS TABLE (balance bigint, held bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
-- PL/pgSQL rather than SQL: its statements' plans are cached per connection, where a SQL
-- function's data-modifying CTE would be planned again on every call.
DECLARE
  settled bigint;
  expired jsonb;
  entry jsonb;
  reserved bigint;
  threshold bigint;
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
    RETURNING id, amount, balance_after, grant_id
  ), updated AS (
    UPDATE credit_accounts SET balance = balance + (SELECT SUM(amount) FROM entries), updated_at = now()
    WHERE id = p_account_id AND EXISTS (SELECT 1 FROM entries)
    RETURNING credit_accounts.balance
  )
  SELECT COALESCE((SELECT updated.balance FROM updated), p_balance),
    (SELECT jsonb_agg(jsonb_build_object('transaction_id', e.id::text, 'grant_id', e.grant_id::text,
      'amount', -e.amount, 'balance', e.balance_after) ORDER BY e.id) FROM entries e)
  INTO settled, expired;
  -- What is left live decides the next time anything is due (credits_debit reads nothing before).
  UPDATE credit_accounts a SET next_expiry_at = (SELECT MIN(g.expires_at) FROM credit_grants g
    WHERE g.account_id = p_account_id AND g.remaining > 0)
  WHERE a.id = p_account_id AND a.next_expiry_at IS DISTINCT FROM (SELECT MIN(g.expires_at)
    FROM credit_grants g WHERE g.account_id = p_account_id AND g.remaining > 0);
  reserved := credits_account_held(p_account_id);
  IF expired IS NOT NULL THEN
    FOR entry IN SELECT value FROM jsonb_array_elements(expired) LOOP
      PERFORM credits_record_event('credits.expired', p_user_id, p_app_id, entry
        || jsonb_build_object('available', GREATEST(0, (entry->>'balance')::bigint - reserved)));
    END LOOP;
    SELECT COALESCE(a.low_balance_threshold, p_default_threshold) INTO threshold
    FROM credit_accounts a WHERE a.id = p_account_id;
    PERFORM credits_record_debit_events(p_user_id, p_app_id, 'EXPIRE', p_balance - settled,
      settled, GREATEST(0, p_balance - reserved), GREATEST(0, settled - reserved), threshold,
      NULL, NULL, NULL, false);
  END IF;
  RETURN QUERY SELECT settled, reserved;
END;
$$;

-- credits_debit of 20261202170000_lean_debit with the events above. It reads the threshold from
-- the account row it locks anyway; p_default_threshold is the deployment's default.
DROP FUNCTION "credits_debit"(text, text, text, text, uuid, text, bigint, "CreditTransactionType",
  text, jsonb, "ActorType", text, text, text, text);

CREATE FUNCTION "credits_debit"(
  p_scope text, p_key text, p_operation text, p_request_hash text,
  p_user_id uuid, p_app_id text, p_amount bigint,
  p_type "CreditTransactionType", p_description text, p_metadata jsonb,
  p_actor_type "ActorType", p_actor_id text,
  p_item_id text, p_item_name text, p_recorded_by text,
  p_default_threshold bigint DEFAULT 0
) RETURNS TABLE (outcome text, response jsonb, available bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  stored record;
  account_id uuid;
  balance bigint;
  held bigint;
  threshold bigint;
  purchase_id uuid;
  allocations jsonb;
  entry_id bigint;
  balance_after bigint;
  available_before bigint;
  available_after bigint;
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

  SELECT a.id, a.balance, a.next_expiry_at, COALESCE(a.low_balance_threshold, p_default_threshold)
  INTO account_id, balance, next_expiry, threshold FROM credit_accounts a
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
    FROM credits_settle_account(account_id, p_user_id, p_app_id, balance, p_default_threshold) s;
  ELSE
    held := credits_account_held(account_id);
  END IF;
  available_before := GREATEST(0, balance - held);
  IF available_before < p_amount THEN
    RETURN QUERY SELECT 'insufficient'::text, NULL::jsonb, available_before;
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
  available_after := GREATEST(0, balance_after - held);

  -- Events only on a crossing or for a listener: a plain spend compares and goes on.
  IF (threshold > 0 AND available_before >= threshold AND available_after < threshold)
    OR (available_before > 0 AND available_after = 0)
    OR EXISTS (SELECT 1 FROM wanted_event_types WHERE type = 'credits.spent') THEN
    PERFORM credits_record_debit_events(p_user_id, p_app_id, p_type::text, p_amount, balance_after,
      available_before, available_after, threshold, entry_id, NULL, p_key, true);
  END IF;

  result := jsonb_build_object('transactionId', entry_id::text, 'balance', balance_after,
    'available', available_after);
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

-- credits_debit_batch of 20261202170100_debit_batch, passing the default threshold on. The
-- batch locks its accounts first, so every event it records comes after all its account locks.
DROP FUNCTION "credits_debit_batch"(text[], text[], text[], text[], uuid[], text[], bigint[],
  "CreditTransactionType"[], text[], jsonb[], "ActorType"[], text[], text[], text[], text[]);

CREATE FUNCTION "credits_debit_batch"(
  p_scope text[], p_key text[], p_operation text[], p_request_hash text[],
  p_user_id uuid[], p_app_id text[], p_amount bigint[],
  p_type "CreditTransactionType"[], p_description text[], p_metadata jsonb[],
  p_actor_type "ActorType"[], p_actor_id text[],
  p_item_id text[], p_item_name text[], p_recorded_by text[],
  p_default_threshold bigint DEFAULT 0
) RETURNS TABLE (ordinal integer, outcome text, response jsonb, available bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM credit_accounts a
  WHERE (a.user_id, a.app_id) IN (SELECT u, p FROM unnest(p_user_id, p_app_id) AS t(u, p))
  ORDER BY a.user_id, a.app_id
  FOR UPDATE;
  FOR i IN 1 .. cardinality(p_key) LOOP
    RETURN QUERY SELECT i, d.outcome, d.response, d.available FROM credits_debit(
      p_scope[i], p_key[i], p_operation[i], p_request_hash[i], p_user_id[i], p_app_id[i],
      p_amount[i], p_type[i], p_description[i], p_metadata[i], p_actor_type[i], p_actor_id[i],
      p_item_id[i], p_item_name[i], p_recorded_by[i], p_default_threshold) d;
  END LOOP;
END;
$$;
