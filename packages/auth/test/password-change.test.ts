// A password change needs the current password (wrong ones count as failed sign-ins), stores only
// the new hash, and ends every session of the user's.
import { randomUUID } from "node:crypto";
import { createDatabaseClient } from "@credits/db";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter } from "../src/rate-limiter.ts";
import { activeSessionUser, newSessionClaims } from "../src/sessions.ts";
import { SignInThrottle } from "../src/sign-in-limits.ts";
import {
  authenticate,
  ChangePasswordInput,
  changePassword,
  PasswordChangeError,
  SignUpInput,
  signUp,
  TooManySignInAttemptsError,
} from "../src/users.ts";

const db = createDatabaseClient(process.env.DATABASE_URL ?? "", { poolMax: 2 });
afterAll(() => db.$disconnect());

const password = "long enough pw";

async function newUser() {
  const email = `password-${randomUUID()}@example.com`;
  const user = await signUp(db, SignUpInput.parse({ name: "Ann", email, password }));
  return { ...user, throttle: new SignInThrottle(createMemoryRateLimiter()) };
}

/** A refusal's message and field, to compare in one go. */
async function refusalOf(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PasswordChangeError)) throw error ?? new Error("expected a refusal");
  return { field: error.field, message: error.message };
}

describe("changing one's password", () => {
  it("stores the new password, ends every session, and the old password stops working", async () => {
    const user = await newUser();
    const session = { sub: user.id, ...newSessionClaims(0) };
    const hashBefore = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    await changePassword(db, user.throttle, {
      userId: user.id,
      currentPassword: password,
      newPassword: "a brand new password",
    });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).not.toBe(hashBefore);
    expect(stored.passwordHash).not.toContain("a brand new password");
    expect(stored.sessionVersion).toBe(1);
    expect(await activeSessionUser(db, session)).toBeNull();
    const signIn = (secret: string) =>
      authenticate(db, user.throttle, { email: user.email, password: secret, address: null });
    expect(await signIn(password)).toBeNull();
    expect(await signIn("a brand new password")).toMatchObject({ id: user.id });
  });

  it("refuses a wrong current password, changing nothing and counting it as a failed sign-in", async () => {
    const user = await newUser();
    const session = { sub: user.id, ...newSessionClaims(0) };
    const attempt = () =>
      changePassword(db, user.throttle, {
        userId: user.id,
        currentPassword: "a guess",
        newPassword: "a brand new password",
      });
    expect(await refusalOf(attempt())).toEqual({
      field: "currentPassword",
      message: "Your current password is wrong.",
    });
    expect(await activeSessionUser(db, session)).toMatchObject({ id: user.id });
    for (let guess = 2; guess <= 5; guess++) await refusalOf(attempt());
    // Five wrong guesses lock the email out, here and on the sign-in page alike.
    await expect(attempt()).rejects.toBeInstanceOf(TooManySignInAttemptsError);
    await expect(
      authenticate(db, user.throttle, { email: user.email, password, address: null }),
    ).rejects.toBeInstanceOf(TooManySignInAttemptsError);
  });

  it("refuses the same password again, and an account that has no password", async () => {
    const user = await newUser();
    expect(
      await refusalOf(
        changePassword(db, user.throttle, {
          userId: user.id,
          currentPassword: password,
          newPassword: password,
        }),
      ),
    ).toMatchObject({ field: "newPassword" });
    const oauthOnly = await db.user.create({
      data: { email: `oauth-${randomUUID()}@example.com` },
    });
    expect(
      await refusalOf(
        changePassword(db, user.throttle, {
          userId: oauthOnly.id,
          currentPassword: "anything",
          newPassword: "a brand new password",
        }),
      ),
    ).toEqual({
      field: undefined,
      message: "This account signs in with GitHub or Google and has no password to change.",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(0);
  });

  it("applies only one of two changes made at once", async () => {
    const user = await newUser();
    const change = (newPassword: string) =>
      changePassword(db, user.throttle, { userId: user.id, currentPassword: password, newPassword })
        .then(() => "changed")
        .catch((error: unknown) => (error instanceof PasswordChangeError ? "refused" : error));
    const outcomes = await Promise.all([
      change("first new password"),
      change("second new password"),
    ]);
    expect(outcomes.sort()).toEqual(["changed", "refused"]);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion).toBe(1);
  });

  it("explains bad input field by field", () => {
    const result = ChangePasswordInput.safeParse({ currentPassword: "", newPassword: "short" });
    expect(result.error?.flatten().fieldErrors).toEqual({
      currentPassword: ["must not be empty"],
      newPassword: ["must be at least 10 characters"],
    });
  });
});
