-- Group commit (issue 16): the spends that reach one service process while its previous database
-- call is in flight go together, as one call and one transaction, so N spends cost one round trip
-- and one commit (one WAL flush) instead of N. Each spend keeps its own outcome: credits_debit runs
-- for each in arrival order and answers as it would alone (a refusal is an outcome, not an error,
-- and touches no other spend of the batch). The accounts of the batch are locked first, ordered by
-- user id then app, the order transfers lock in too, so two batches, or a batch and a transfer,
-- cannot deadlock, and one busy account's spends take its lock once for the whole batch. Anything
-- that raises (an invariant, a twin committed under the same key by another process, a lost
-- connection) undoes the whole batch; the service then runs its spends one by one.
CREATE FUNCTION "credits_debit_batch"(
  p_scope text[], p_key text[], p_operation text[], p_request_hash text[],
  p_user_id uuid[], p_app_id text[], p_amount bigint[],
  p_type "CreditTransactionType"[], p_description text[], p_metadata jsonb[],
  p_actor_type "ActorType"[], p_actor_id text[],
  p_item_id text[], p_item_name text[], p_recorded_by text[]
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
      p_item_id[i], p_item_name[i], p_recorded_by[i]) d;
  END LOOP;
END;
$$;
