-- Most entries link to no purchase, transfer, hold or grant (a spend links to none): indexing only
-- the entries that do keeps four index insertions off every spend. The lookups by link (refunds,
-- transfers, captures, grant history) filter on a non-null id, which the partial indexes serve.
DROP INDEX "credit_transactions_purchase_id_idx";
DROP INDEX "credit_transactions_transfer_id_idx";
DROP INDEX "credit_transactions_hold_id_idx";
DROP INDEX "credit_transactions_grant_id_idx";
CREATE INDEX "credit_transactions_purchase_link_idx" ON "credit_transactions" ("purchase_id") WHERE "purchase_id" IS NOT NULL;
CREATE INDEX "credit_transactions_transfer_link_idx" ON "credit_transactions" ("transfer_id") WHERE "transfer_id" IS NOT NULL;
CREATE INDEX "credit_transactions_hold_link_idx" ON "credit_transactions" ("hold_id") WHERE "hold_id" IS NOT NULL;
CREATE INDEX "credit_transactions_grant_link_idx" ON "credit_transactions" ("grant_id") WHERE "grant_id" IS NOT NULL;
