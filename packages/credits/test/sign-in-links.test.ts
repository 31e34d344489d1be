// Sign-in links: a customer another backend created gets a web sign-in only through a link that
// backend or an operator made. The link works once, for a week, and only for customers without a
// password who are no operators; redeeming it sets the password (and the email when the customer
// had none), and the customer then signs in with it, keeping their credits.
import { randomUUID } from "node:crypto";
import { authenticate, createMemoryRateLimiter, SignInThrottle } from "@credits/auth";
import { describe, expect, it } from "vitest";
import { auditOf, callerFor, createUser, db, trpcErrorOf } from "./fixtures.ts";
import { call } from "./rest-fixtures.ts";

const throttle = () => new SignInThrottle(createMemoryRateLimiter());

const anonymous = callerFor(null);

/** A customer made through the API, with credits, and a sign-in link for it made the same way. */
async function customerWithLink(options: { email?: string } = {}) {
  const externalId = `cust-${randomUUID()}`;
  const created = await call("POST", "/api/customers", {
    body: { id: externalId, name: "Ada", ...(options.email ? { email: options.email } : {}) },
  });
  expect(created.status).toBe(200);
  await call("POST", `/api/credits/${externalId}/add`, {
    body: { amount: 40, description: "welcome credits" },
  });
  const link = await call("POST", `/api/customers/${externalId}/sign-in-link`, {
    template: "/api/customers/{userId}/sign-in-link",
  });
  expect(link.status).toBe(200);
  const token = String(link.body.path).split("#")[1] ?? "";
  return { externalId, userId: String(created.body.platform_user_id), token, link: link.body };
}

const email = () => `claim-${randomUUID()}@example.com`;

describe("sign-in links for the integrator's customers", () => {
  it("let a customer without an email choose one and a password, then sign in with its credits", async () => {
    const { externalId, userId, token, link } = await customerWithLink();
    expect(link).toMatchObject({ user_id: externalId, platform_user_id: userId, url: null });
    expect(link.path).toMatch(/^\/claim#[A-Za-z0-9_-]{43}$/);
    expect(await anonymous.auth.signInLink({ token })).toEqual({ email: null, name: "Ada" });

    const missingEmail = await trpcErrorOf(
      anonymous.auth.redeemSignInLink({ token, password: "a long password" }),
    );
    expect(missingEmail.code).toBe("BAD_REQUEST");
    expect(missingEmail.message).toMatch(/email/);

    const address = email();
    expect(
      await anonymous.auth.redeemSignInLink({ token, email: address, password: "a long password" }),
    ).toEqual({ email: address });
    const signedIn = await authenticate(db, throttle(), {
      email: address,
      password: "a long password",
      address: null,
    });
    expect(signedIn).toMatchObject({ id: userId, email: address, role: "USER" });
    expect(await callerFor(signedIn).credits.balance()).toMatchObject({ total: 40 });

    // Used up: neither the page nor a second redemption accept it again.
    expect((await trpcErrorOf(anonymous.auth.signInLink({ token }))).code).toBe("BAD_REQUEST");
    // And the customer, who now has a password, gets no new link.
    const again = await call("POST", `/api/customers/${externalId}/sign-in-link`, {
      template: "/api/customers/{userId}/sign-in-link",
    });
    expect(again.status).toBe(409);
  });

  it("keep the email the customer has, and are redeemed once of many at the same time", async () => {
    const address = email();
    const { userId, token } = await customerWithLink({ email: address });
    expect(await anonymous.auth.signInLink({ token })).toEqual({ email: address, name: "Ada" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        anonymous.auth.redeemSignInLink({
          token,
          email: email(),
          password: `password number ${index}`,
        }),
      ),
    );
    const redeemed = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]).toMatchObject({ value: { email: address } });
    const row = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(row).toMatchObject({ email: address, signInLinkHash: null, signInLinkExpiresAt: null });
    expect(row.passwordHash).not.toBeNull();
  });

  it("work only the latest of a customer's links, and not after they expire", async () => {
    const { externalId, userId, token: first } = await customerWithLink();
    const second = await call("POST", `/api/customers/${externalId}/sign-in-link`);
    const latest = String(second.body.path).split("#")[1] ?? "";
    expect(latest).not.toBe(first);
    expect((await trpcErrorOf(anonymous.auth.signInLink({ token: first }))).code).toBe(
      "BAD_REQUEST",
    );
    await db.user.update({
      where: { id: userId },
      data: { signInLinkExpiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await trpcErrorOf(
      anonymous.auth.redeemSignInLink({
        token: latest,
        email: email(),
        password: "a long password",
      }),
    );
    expect(expired.code).toBe("BAD_REQUEST");
    expect(expired.message).toMatch(/expired or was already used/);
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBeNull();
  });

  it("refuse an email another account has, leaving the link usable", async () => {
    const taken = await createUser();
    const { token } = await customerWithLink();
    const refused = await trpcErrorOf(
      anonymous.auth.redeemSignInLink({ token, email: taken.email, password: "a long password" }),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(await anonymous.auth.signInLink({ token })).toEqual({ email: null, name: "Ada" });
  });

  it("are never made for web sign-ups, operators or unknown ids", async () => {
    const webUser = await createUser();
    const admin = await createUser("ADMIN");
    await db.user.update({ where: { id: admin.id }, data: { externalId: `op-${randomUUID()}` } });
    for (const user of [webUser, admin]) {
      const refused = await call("POST", `/api/customers/${user.id}/sign-in-link`, {
        template: "/api/customers/{userId}/sign-in-link",
      });
      expect(refused.status).toBe(409);
      const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(row.signInLinkHash).toBeNull();
    }
    const unknown = await call("POST", `/api/customers/nobody-${randomUUID()}/sign-in-link`, {
      template: "/api/customers/{userId}/sign-in-link",
    });
    expect(unknown.status).toBe(404);
  });

  it("are made by operators with a reason, which the audit log keeps", async () => {
    const { userId } = await customerWithLink();
    const operator = callerFor(await createUser("ADMIN"));
    expect((await operator.admin.users.get({ userId })).signInLinkAllowed).toBe(true);
    const made = await operator.admin.users.createSignInLink({
      userId,
      reason: "customer asked to use the dashboard",
    });
    expect(made.path).toMatch(/^\/claim#/);
    const [entry] = await auditOf(userId);
    expect(entry).toMatchObject({
      action: "user.sign_in_link_created",
      reason: "customer asked to use the dashboard",
    });
    const user = callerFor(await createUser());
    expect(
      (await trpcErrorOf(user.admin.users.createSignInLink({ userId, reason: "not mine" }))).code,
    ).toBe("FORBIDDEN");
  });
});
