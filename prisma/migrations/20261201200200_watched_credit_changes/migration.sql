-- A commit that sent NOTIFY takes a database-wide lock until it is durable, so notifying on every
-- balance change serialised all spending commits (bench: half the spends a second). Changes now
-- notify only for users someone watches live: each app process records the users its open
-- dashboards follow (and refreshes them while they stay open), and the trigger checks that first.
-- UNLOGGED: it is a cache of who is connected now, worthless after a crash and cheap to write.
CREATE UNLOGGED TABLE "credit_change_watchers" (
    "user_id" UUID NOT NULL,
    "listener" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_change_watchers_pkey" PRIMARY KEY ("user_id","listener")
);

CREATE OR REPLACE FUNCTION "notify_credit_change"() RETURNS trigger LANGUAGE plpgsql AS $$
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
  -- A watcher that stopped refreshing (its process died) counts for two minutes at most.
  IF EXISTS (SELECT 1 FROM "credit_change_watchers"
             WHERE "user_id" = changed_user_id AND "seen_at" > now() - interval '2 minutes') THEN
    PERFORM pg_notify('credit_changes', json_build_object(
      'accountId', changed_account_id, 'userId', changed_user_id, 'appId', changed_app_id)::text);
  END IF;
  RETURN NULL;
END;
$$;
