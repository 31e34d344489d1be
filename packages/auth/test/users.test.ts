import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../src/rate-limiter.ts";
import { SignInThrottle } from "../src/sign-in-limits.ts";
import {
  authenticate,
  EmailTakenError,
  SignUpInput,
  signUp,
  TooManySignInAttemptsError,
} from "../src/users.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
afterAll(() => db.$disconnect());

const newEmail = () => `auth-${randomUUID()}@Example.com`;

describe("sign-up and sign-in", () => {
  it("creates a user with a lower-cased email and a hashed password, then signs them in", async () => {
    const email = newEmail();
    const user = await signUp(
      db,
      SignUpInput.parse({ name: "Ann", email, password: "long enough pw" }),
    );
    expect(user).toMatchObject({ email: email.toLowerCase(), role: "USER", name: "Ann" });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain("long enough pw");

    const throttle = new SignInThrottle(createMemoryRateLimiter());
    const signedIn = await authenticate(db, throttle, {
      email: email.toUpperCase(),
      password: "long enough pw",
      address: null,
    });
    expect(signedIn).toEqual({
      id: user.id,
      email: email.toLowerCase(),
      role: "USER",
      name: "Ann",
    });
  });

  it("refuses a taken email, whatever its case", async () => {
    const email = newEmail();
    await signUp(db, SignUpInput.parse({ name: "Ann", email, password: "long enough pw" }));
    await expect(
      signUp(
        db,
        SignUpInput.parse({ name: "Bob", email: email.toUpperCase(), password: "long enough pw" }),
      ),
    ).rejects.toBeInstanceOf(EmailTakenError);
  });

  it("explains bad sign-up input field by field", () => {
    const result = SignUpInput.safeParse({ name: "", email: "nope", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.success ? {} : result.error.flatten().fieldErrors;
    expect(Object.keys(fields).sort()).toEqual(["email", "name", "password"]);
    expect(fields.password?.[0]).toBe("must be at least 10 characters");
  });

  it("answers null for a wrong password or an unknown email, and locks out after repeated failures", async () => {
    const email = newEmail();
    await signUp(db, SignUpInput.parse({ name: "Ann", email, password: "long enough pw" }));
    const throttle = new SignInThrottle(createMemoryRateLimiter(), {
      perEmail: 3,
      perAddress: 10,
      windowMs: 60_000,
    });
    const attempt = (password: string, who = email) =>
      authenticate(db, throttle, { email: who, password, address: null });
    expect(await attempt("wrong password")).toBeNull();
    expect(await attempt("long enough pw", "nobody@example.com")).toBeNull();
    expect(await attempt("wrong again")).toBeNull();
    expect(await attempt("long enough pw")).not.toBeNull();
    for (const password of ["wrong 1", "wrong 2", "wrong 3"])
      expect(await attempt(password, email.toUpperCase())).toBeNull();
    // The right password no longer helps while locked out.
    await expect(attempt("long enough pw")).rejects.toBeInstanceOf(TooManySignInAttemptsError);
  });
});
