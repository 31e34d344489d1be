-- Who recorded an entry or a purchase, in the words of the backend that called (the sibling
-- design's `created_by`: its id for the person or system), next to the service token that made the
-- call (actor_type, actor_id). Same alphabet as external user ids; null when nobody said.
ALTER TABLE "credit_transactions" ADD COLUMN "recorded_by" TEXT
  CONSTRAINT "credit_transactions_recorded_by_format" CHECK ("recorded_by" ~ '^[A-Za-z0-9._:@-]{1,128}$');
ALTER TABLE "purchases" ADD COLUMN "recorded_by" TEXT
  CONSTRAINT "purchases_recorded_by_format" CHECK ("recorded_by" ~ '^[A-Za-z0-9._:@-]{1,128}$');

-- credits_debit records it too: the same function with one more argument (the body is
-- 20261201200000_one_statement_debits's, with recorded_by written to the purchase and the entry).
DROP FUNCTION "credits_debit"(text, text, text, text, uuid, text, bigint, "CreditTransactionType",
  text, jsonb, "ActorType", text, text, text);

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
  UPDATE idempotency_keys k SET response = result WHERE k.scope = p_scope AND k.key = p_key;
  RETURN QUERY SELECT 'ok'::text, result, NULL::bigint;
END;
$$;
