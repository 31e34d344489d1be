// One Stripe subscription per user: Checkout is refused while one exists (whatever its state, and
// whatever the webhook has told us yet), only the newest subscription Checkout can be paid, and a
// second subscription made anyway (in Stripe's dashboard, say) is listed for operators instead of
// overwriting the one in use.
import { describe, expect, it } from "vitest";
import { plans } from "../src/plans.ts";
import { createUser, db, trpcErrorOf } from "./fixtures.ts";
import {
  billedCaller,
  creditsOf,
  deliverAll,
  fake,
  prices,
  sessionIdOf,
  storedEvent,
  stripe,
  subscribe,
} from "./stripe-fixtures.ts";

function openSubscriptionCheckouts(customer: string | null) {
  return [...fake.state.checkoutSessions.values()].filter(
    (session) =>
      session.customer === customer && session.mode === "subscription" && session.status === "open",
  );
}

async function customerOf(userId: string) {
  return (await db.user.findUniqueOrThrow({ where: { id: userId } })).stripeCustomerId;
}

describe("subscription checkout", () => {
  it("is refused while the Stripe subscription is past due, also after the grace period", async () => {
    const user = await createUser();
    const { subscriptionId } = await subscribe(user, "PRO");
    await deliverAll(await fake.failInvoicePayment(subscriptionId));
    await db.subscription.update({
      where: { userId: user.id },
      data: { pastDueSince: new Date(Date.now() - 30 * 86_400_000) },
    });
    const caller = billedCaller(user);
    expect((await caller.subscriptions.get()).tier).toBe("FREE");
    const refused = await trpcErrorOf(caller.subscriptions.checkout({ tier: "PRO" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("update your payment method");
    expect((await caller.subscriptions.portal()).url.startsWith(`${fake.url}/portal/`)).toBe(true);
  });

  it("is refused when Stripe has a subscription its webhook has not announced yet", async () => {
    const user = await createUser();
    const caller = billedCaller(user);
    const { url } = await caller.subscriptions.checkout({ tier: "PRO" });
    await fake.completeCheckout(sessionIdOf(url));
    fake.takeEvents(); // paid, but the events are still on their way
    expect(await db.subscription.findUnique({ where: { userId: user.id } })).toBeNull();
    const refused = await trpcErrorOf(caller.subscriptions.checkout({ tier: "PREMIUM" }));
    expect(refused).toMatchObject({ code: "CONFLICT" });
    expect(refused.message).toContain("already have a paid plan");
  });

  it("expires an older open subscription Checkout, so only the newest can be paid", async () => {
    const user = await createUser();
    const caller = billedCaller(user);
    const first = sessionIdOf((await caller.subscriptions.checkout({ tier: "PRO" })).url);
    const second = sessionIdOf((await caller.subscriptions.checkout({ tier: "PREMIUM" })).url);
    fake.takeEvents();
    expect(fake.state.checkoutSessions.get(first)?.status).toBe("expired");
    await expect(fake.completeCheckout(first)).rejects.toThrow(/expired, not open/);
    await deliverAll(await fake.completeCheckout(second));
    expect((await caller.subscriptions.get()).tier).toBe("PREMIUM");
    // Credit packs are separate purchases: their Checkouts stay open side by side.
    const packs = await Promise.all([
      caller.billing.buyCredits({ packId: "pack_500" }),
      caller.billing.buyCredits({ packId: "pack_500" }),
    ]);
    const packSessions = packs.map((pack) =>
      fake.state.checkoutSessions.get(sessionIdOf(pack.url)),
    );
    expect(packSessions.map((session) => session?.status)).toEqual(["open", "open"]);
  });

  it("leaves one open subscription Checkout when two are started at once", async () => {
    const user = await createUser();
    const caller = billedCaller(user);
    await Promise.all([
      caller.subscriptions.checkout({ tier: "PRO" }),
      caller.subscriptions.checkout({ tier: "PRO" }),
      caller.subscriptions.checkout({ tier: "PREMIUM" }),
    ]);
    fake.takeEvents();
    expect(openSubscriptionCheckouts(await customerOf(user.id))).toHaveLength(1);
  });
});

describe("a second subscription made in Stripe anyway", () => {
  it("never replaces the one in use, grants nothing, and is listed for operators until it ends", async () => {
    const user = await createUser();
    const admin = await createUser("ADMIN");
    const { subscriptionId } = await subscribe(user, "PRO");
    // Made past the platform's checks, as in the Stripe dashboard.
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: (await customerOf(user.id)) ?? "",
      line_items: [{ price: prices.PREMIUM, quantity: 1 }],
      subscription_data: { metadata: { user_id: user.id } },
      success_url: "http://127.0.0.1/done",
    });
    const events = await fake.completeCheckout(session.id);
    fake.takeEvents();
    const replies = await deliverAll(events);
    const second = fake.state.checkoutSessions.get(session.id)?.subscription as string;

    expect(replies.map((reply) => reply.body.status)).toEqual(["IGNORED", "IGNORED", "IGNORED"]);
    const created = await storedEvent(events[0]?.id ?? "");
    expect(created).toMatchObject({ status: "IGNORED", userId: user.id });
    expect(created?.error).toContain(
      `Second live subscription: the customer also has ${subscriptionId}`,
    );
    expect(await db.subscription.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({
      stripeSubscriptionId: subscriptionId,
      tier: "PRO",
    });
    expect(await creditsOf(user.id)).toBe(plans.PRO.monthlyCredits);

    const overview = () => billedCaller(admin).admin.overview({});
    expect((await overview()).billing.secondSubscriptions).toContainEqual(
      expect.objectContaining({
        userId: user.id,
        email: user.email,
        stripeSubscriptionId: second,
        status: "active",
        inUse: subscriptionId,
      }),
    );
    // The operator cancels the second one in Stripe; its event takes it off the list.
    await stripe.subscriptions.cancel(second);
    await deliverAll(fake.takeEvents());
    const after = (await overview()).billing.secondSubscriptions;
    expect(after.map((item) => item.stripeSubscriptionId)).not.toContain(second);
    expect((await billedCaller(user).subscriptions.get()).tier).toBe("PRO");
  });
});
