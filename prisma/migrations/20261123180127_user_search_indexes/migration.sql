-- Operators search users by the start of their email or name, case-insensitively: prefix
-- matches (LIKE 'abc%') on lower() use these indexes whatever the database's collation.
CREATE INDEX "users_email_prefix_idx" ON "users" (lower("email") text_pattern_ops);
CREATE INDEX "users_name_prefix_idx" ON "users" (lower("name") text_pattern_ops);
