-- credits_debit_batch, set-based (issue 16): the same answers and the same ledger as running
-- credits_debit for each spend in arrival order (what 20261203110000_low_balance_events did), with
-- the database work of a few statements per batch instead of a dozen per spend.
--
-- 1. One statement locks every account of the batch, ordered by user id then app (the order
--    transfers lock in, so batches and transfers cannot deadlock) and reads its state; one reads
--    what the accounts' holds reserve; one reads the keys the batch already finds stored.
-- 2. A loop over the spends in arrival order decides each one from those values alone (no
--    statement per spend): a key seen before (stored, or taken by an earlier spend of the batch)
--    replays or conflicts; a missing account is looked up; a spend beyond what is available is
--    refused; an accepted spend lowers its account's balance for the spends after it.
-- 3. Then each kind of row is written once for the whole batch: one update of the accounts that
--    spent (one busy account's row once, however many of its spends the batch carries), one burn
--    of the grants (each spend's allocation is where its slice of the account's consumption meets
--    the grants in burn order), one insert of the purchases, of the entries and of the keys.
-- Events are recorded as before for crossings and listeners, ordered by user then arrival, so two
-- batches take users' event sequences in one order too.
-- A key that a concurrent twin committed first makes the key insert find fewer rows free than it
-- wrote: the batch is undone whole with a serialization failure, and the caller runs its spends
-- one by one (service/group-commit.ts), where each finds its stored answer.

DROP FUNCTION "credits_debit_batch"(text[], text[], text[], text[], uuid[], text[], bigint[],
  "CreditTransactionType"[], text[], jsonb[], "ActorType"[], text[], text[], text[], text[], bigint);

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
DECLARE
  n integer := cardinality(p_key);
  -- The batch's accounts, in lock order, and what the loop keeps of each.
  a_id uuid[];
  a_user uuid[];
  a_app text[];
  a_balance bigint[];
  a_next_expiry timestamptz[];
  a_threshold bigint[];
  a_held bigint[];
  a_spent bigint[];
  -- Per spend: its account's position, the first spend of the batch under its key, the key as
  -- the database had it, and what the loop decides.
  account_of integer[];
  first_of integer[];
  stored_found boolean[];
  stored_hash text[];
  stored_response jsonb[];
  key_taken boolean[];
  key_hash text[];
  key_response jsonb[];
  o_outcome text[] := array_fill(NULL::text, ARRAY[n]);
  o_response jsonb[] := array_fill(NULL::jsonb, ARRAY[n]);
  o_available bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_entry bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_purchase uuid[] := array_fill(NULL::uuid, ARRAY[n]);
  s_start bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_balance bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_before bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_after bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  s_account uuid[] := array_fill(NULL::uuid, ARRAY[n]);
  allocations jsonb[];
  covered bigint[];
  listened boolean := EXISTS (SELECT 1 FROM wanted_event_types WHERE type = 'credits.spent');
  accepted integer := 0;
  written integer;
  a integer;
  f integer;
  before bigint;
  settled record;
BEGIN
  SELECT array_agg(x.id), array_agg(x.user_id), array_agg(x.app_id), array_agg(x.balance),
    array_agg(x.next_expiry_at), array_agg(x.threshold)
  INTO a_id, a_user, a_app, a_balance, a_next_expiry, a_threshold
  FROM (
    SELECT c.id, c.user_id, c.app_id, c.balance, c.next_expiry_at,
      COALESCE(c.low_balance_threshold, p_default_threshold) AS threshold
    FROM credit_accounts c
    WHERE (c.user_id, c.app_id) IN (SELECT u, p FROM unnest(p_user_id, p_app_id) AS t(u, p))
    ORDER BY c.user_id, c.app_id
    FOR UPDATE
  ) x;
  a_spent := array_fill(0::bigint, ARRAY[COALESCE(cardinality(a_id), 0)]);

  SELECT array_agg(COALESCE(h.held, 0) ORDER BY x.pos) INTO a_held
  FROM unnest(a_id) WITH ORDINALITY AS x(id, pos)
  CROSS JOIN LATERAL (SELECT credits_account_held(x.id) AS held) h;
  -- An account whose next expiry has come settles first (rare: the row says when).
  FOR a IN 1 .. COALESCE(cardinality(a_id), 0) LOOP
    IF a_next_expiry[a] <= now() THEN
      SELECT s.balance, s.held INTO settled
      FROM credits_settle_account(a_id[a], a_user[a], a_app[a], a_balance[a], p_default_threshold) s;
      a_balance[a] := settled.balance;
      a_held[a] := settled.held;
    END IF;
  END LOOP;

  SELECT array_agg(x.pos ORDER BY t.ord), array_agg(t.first ORDER BY t.ord),
    array_agg(k.scope IS NOT NULL ORDER BY t.ord), array_agg(k.request_hash ORDER BY t.ord),
    array_agg(k.response ORDER BY t.ord)
  INTO account_of, first_of, stored_found, stored_hash, stored_response
  FROM (
    SELECT u.*, min(u.ord) OVER (PARTITION BY u.scope, u.key) AS first
    FROM unnest(p_scope, p_key, p_user_id, p_app_id) WITH ORDINALITY AS u(scope, key, user_id, app_id, ord)
  ) t
  LEFT JOIN unnest(a_user, a_app) WITH ORDINALITY AS x(user_id, app_id, pos)
    ON x.user_id = t.user_id AND x.app_id = t.app_id
  LEFT JOIN idempotency_keys k ON k.scope = t.scope AND k.key = t.key;
  key_taken := stored_found;
  key_hash := stored_hash;
  key_response := stored_response;

  FOR i IN 1 .. n LOOP
    f := first_of[i];
    IF key_taken[f] THEN
      IF key_hash[f] IS DISTINCT FROM p_request_hash[i] OR key_response[f] IS NULL THEN
        o_outcome[i] := 'conflict';
      ELSE
        o_outcome[i] := 'replayed';
        o_response[i] := key_response[f];
      END IF;
      CONTINUE;
    END IF;
    a := account_of[i];
    IF a IS NULL THEN
      o_outcome[i] := CASE
        WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = p_user_id[i]) THEN 'unknown_user'
        WHEN NOT EXISTS (SELECT 1 FROM apps WHERE id = p_app_id[i]) THEN 'unknown_app'
        ELSE 'insufficient' END;
      o_available[i] := 0;
      CONTINUE;
    END IF;
    before := GREATEST(0, a_balance[a] - a_held[a]);
    IF before < p_amount[i] THEN
      o_outcome[i] := 'insufficient';
      o_available[i] := before;
      CONTINUE;
    END IF;
    accepted := accepted + 1;
    s_account[i] := a_id[a];
    s_start[i] := a_spent[a];
    a_spent[a] := a_spent[a] + p_amount[i];
    a_balance[a] := a_balance[a] - p_amount[i];
    s_balance[i] := a_balance[a];
    s_before[i] := before;
    s_after[i] := GREATEST(0, a_balance[a] - a_held[a]);
    s_entry[i] := nextval('credit_transactions_id_seq');
    o_outcome[i] := 'ok';
    o_response[i] := jsonb_build_object('transactionId', s_entry[i]::text,
      'balance', s_balance[i], 'available', s_after[i]);
    IF p_item_id[i] IS NOT NULL THEN
      s_purchase[i] := gen_random_uuid();
      o_response[i] := o_response[i] || jsonb_build_object('purchaseId', s_purchase[i]);
    END IF;
    key_taken[f] := true;
    key_hash[f] := p_request_hash[i];
    key_response[f] := o_response[i];
  END LOOP;

  IF accepted > 0 THEN
    UPDATE credit_accounts c SET balance = v.balance, updated_at = now()
    FROM unnest(a_id, a_balance, a_spent) AS v(id, balance, spent)
    WHERE c.id = v.id AND v.spent > 0;

    -- Each accepted spend consumed [start, start + amount) of its account's credits; a grant in
    -- burn order holds [running - remaining, running). A spend takes what the two share.
    WITH spent AS (
      SELECT s.ord, s.account_id, s.start, s.start + s.amount AS stop
      FROM unnest(s_account, s_start, p_amount) WITH ORDINALITY AS s(account_id, start, amount, ord)
      WHERE s.account_id IS NOT NULL
    ), needed AS (
      SELECT account_id, MAX(stop) AS total FROM spent GROUP BY account_id
    ), live AS (
      SELECT g.id, g.account_id, g.remaining,
        SUM(g.remaining) OVER (PARTITION BY g.account_id
          ORDER BY g.priority, g.expires_at NULLS LAST, g.created_at, g.id) AS running
      FROM credit_grants g
      WHERE g.account_id IN (SELECT account_id FROM needed)
        AND g.remaining > 0 AND (g.expires_at IS NULL OR g.expires_at > now())
    ), taken AS (
      SELECT s.ord, l.id, l.running - l.remaining AS low,
        LEAST(s.stop, l.running) - GREATEST(s.start, l.running - l.remaining) AS amount
      FROM spent s JOIN live l ON l.account_id = s.account_id
        AND l.running - l.remaining < s.stop AND s.start < l.running
    ), burned AS (
      UPDATE credit_grants g SET remaining = g.remaining - b.amount
      FROM (SELECT id, SUM(amount) AS amount FROM taken GROUP BY id) b
      WHERE g.id = b.id
    )
    SELECT array_agg(x.grants ORDER BY spend.pos), array_agg(x.covered ORDER BY spend.pos)
    INTO allocations, covered
    FROM generate_series(1, n) AS spend(pos)
    LEFT JOIN (
      SELECT s.ord, COALESCE(SUM(t.amount), 0) AS covered,
        COALESCE(jsonb_agg(jsonb_build_object('grantId', t.id, 'amount', t.amount) ORDER BY t.low)
          FILTER (WHERE t.id IS NOT NULL), '[]'::jsonb) AS grants
      FROM spent s LEFT JOIN taken t ON t.ord = s.ord
      GROUP BY s.ord
    ) x ON x.ord = spend.pos;
    FOR i IN 1 .. n LOOP
      IF s_entry[i] IS NOT NULL AND covered[i] <> p_amount[i] THEN
        RAISE EXCEPTION 'grants of account % do not cover a spend of %', s_account[i], p_amount[i];
      END IF;
    END LOOP;

    INSERT INTO purchases (id, account_id, user_id, app_id, item_id, item_name, credits,
      created_by_type, created_by_id, recorded_by)
    SELECT s.purchase_id, s.account_id, s.user_id, s.app_id, s.item_id, s.item_name, s.amount,
      s.actor_type, s.actor_id, s.recorded_by
    FROM unnest(s_purchase, s_account, p_user_id, p_app_id, p_item_id, p_item_name, p_amount,
      p_actor_type, p_actor_id, p_recorded_by)
      AS s(purchase_id, account_id, user_id, app_id, item_id, item_name, amount, actor_type,
        actor_id, recorded_by)
    WHERE s.purchase_id IS NOT NULL;

    INSERT INTO credit_transactions (id, account_id, user_id, app_id, type, amount, balance_after,
      description, metadata, actor_type, actor_id, idempotency_key, purchase_id, recorded_by)
    SELECT s.entry_id, s.account_id, s.user_id, s.app_id, s.type, -s.amount, s.balance,
      s.description, COALESCE(s.metadata, '{}'::jsonb) || jsonb_build_object('grants', s.grants),
      s.actor_type, s.actor_id, s.key, s.purchase_id, s.recorded_by
    FROM unnest(s_entry, s_account, p_user_id, p_app_id, p_type, p_amount, s_balance,
      p_description, p_metadata, allocations, p_actor_type, p_actor_id, p_key, s_purchase,
      p_recorded_by)
      AS s(entry_id, account_id, user_id, app_id, type, amount, balance, description, metadata,
        grants, actor_type, actor_id, key, purchase_id, recorded_by)
    WHERE s.entry_id IS NOT NULL
    ORDER BY s.entry_id;

    PERFORM credits_record_debit_events(e.user_id, e.app_id, e.type::text, e.amount, e.balance,
      e.before, e.after, a_threshold[e.pos], e.entry_id, NULL, e.key, true)
    FROM (
      SELECT s.* FROM unnest(s_entry, p_user_id, p_app_id, p_type, p_amount, s_balance,
          s_before, s_after, p_key, account_of) WITH ORDINALITY
        AS s(entry_id, user_id, app_id, type, amount, balance, before, after, key, pos, ord)
      WHERE s.entry_id IS NOT NULL AND (listened
        OR (a_threshold[s.pos] > 0 AND s.before >= a_threshold[s.pos] AND s.after < a_threshold[s.pos])
        OR (s.before > 0 AND s.after = 0))
      ORDER BY s.user_id, s.ord
    ) e;

    -- The key is written once per accepted spend, with its answer (a later spend of the batch
    -- under it replayed or conflicted above). Fewer rows written than accepted: a twin in another
    -- transaction committed one of these keys first, and none of this batch may take effect.
    INSERT INTO idempotency_keys (scope, key, operation, request_hash, response)
    SELECT s.scope, s.key, s.operation, s.request_hash, s.response
    FROM unnest(s_entry, p_scope, p_key, p_operation, p_request_hash, o_response)
      AS s(entry_id, scope, key, operation, request_hash, response)
    WHERE s.entry_id IS NOT NULL
    ON CONFLICT (scope, key) DO NOTHING;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written <> accepted THEN
      RAISE EXCEPTION 'an idempotency key of the batch was claimed by a concurrent request'
        USING ERRCODE = 'serialization_failure';
    END IF;
  END IF;

  RETURN QUERY SELECT r.ord::integer, r.outcome, r.response, r.available
    FROM unnest(o_outcome, o_response, o_available) WITH ORDINALITY AS r(outcome, response, available, ord);
END;
$$;
