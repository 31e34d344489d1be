// Auto top-up test helpers: a card saved through the setup-mode Checkout, a user with auto top-up
// on, and what the fake Stripe and the database hold for that user's charges.
import type { SessionUser } from "@credits/auth";
import type { TestCardName } from "@credits/stripe-fake";
import { db, fundedUser, newKey } from "./fixtures.ts";
import { billedCaller, deliverAll, fake, sessionIdOf } from "./stripe-fixtures.ts";

export const settings = {
  enabled: true,
  belowCredits: 100,
  packId: "pack_500",
  monthlyCapCredits: 5_000,
};

/** Saves `card` for the user through the setup-mode Checkout, as the billing page does. */
export async function saveCard(user: SessionUser, card: TestCardName) {
  const { url } = await billedCaller(user).billing.saveCardSession();
  fake.takeEvents();
  const events = await fake.completeCheckout(sessionIdOf(url), card);
  fake.takeEvents();
  await deliverAll(events);
}

/** A user with `credits`, a saved `card` and auto top-up on with `overrides`. */
export async function autoToppedUser(
  credits: number,
  card: TestCardName = "pm_card_visa",
  overrides: Partial<typeof settings> = {},
) {
  const { user, caller } = await fundedUser(credits);
  await saveCard(user, card);
  await billedCaller(user).billing.setAutoTopup({ ...settings, ...overrides });
  const customer = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).stripeCustomerId;
  return { user, caller, customer };
}

export const spend = (caller: Awaited<ReturnType<typeof fundedUser>>["caller"], credits: number) =>
  caller.purchases.create({ itemId: "x", itemName: "X", credits, idempotencyKey: newKey() });

export const intentsOf = (customer: string | null) =>
  [...fake.state.paymentIntents.values()].filter((intent) => intent.customer === customer);

export const attemptsOf = (userId: string) =>
  db.autoTopupAttempt.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

export const eventsOf = (userId: string, type: string) =>
  db.creditEvent.findMany({ where: { userId, type }, orderBy: { sequence: "asc" } });

/** The events the fake sent for the user's payment intents since the last take. */
export function paymentEvents(customer: string | null) {
  return fake
    .takeEvents()
    .filter((event) => (event.data.object as { customer?: string }).customer === customer);
}
