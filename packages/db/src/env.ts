import { z } from "zod";

/**
 * Parses an environment against a zod schema, failing with one readable message that names every
 * bad variable (never its value: it may be a secret).
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  label: string,
  source: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid environment for ${label}:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** Database settings; every app's env schema extends this one. */
export const databaseEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
});

export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

export function readDatabaseEnv(source: NodeJS.ProcessEnv = process.env): DatabaseEnv {
  return parseEnvironment(databaseEnvSchema, "the database", source);
}

/** Loads the repository's root `.env` (if any) without overriding variables already set. */
export function loadRootEnvFile(rootDir: string): void {
  try {
    process.loadEnvFile(`${rootDir}/.env`);
  } catch {
    // No .env file: the process environment alone configures the app.
  }
}
