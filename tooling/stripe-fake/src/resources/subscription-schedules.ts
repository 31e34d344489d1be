// Subscription schedules, only as far as a plan change at the period's end needs them: made from a
// subscription, their phases replaced, released; a renewal applies the phase it enters.
import type Stripe from "stripe";
import { type FakeContext, now, retrieve } from "../context.ts";
import { FakeStripeError, missing } from "../errors.ts";
import { type FormObject, type FormValue, int, list, mergeMetadata, obj, str } from "../form.ts";
import { CURRENCY, newId, PERIOD_SECONDS, shape } from "../objects.ts";
import { priceInfo } from "./prices.ts";
import { currentPeriod, setItemPrice, subscriptionItemObject } from "./subscription-items.ts";

function phaseObject(
  items: { price: string; quantity: number }[],
  start: number,
  end: number,
  currency: string,
): Stripe.SubscriptionSchedule.Phase {
  return shape<Stripe.SubscriptionSchedule.Phase>({
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency,
    default_payment_method: null,
    description: null,
    discounts: [],
    end_date: end,
    invoice_settings: null,
    items: items.map((item) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: item.price,
      price: item.price,
      quantity: item.quantity,
      tax_rates: [],
    })),
    metadata: {},
    on_behalf_of: null,
    proration_behavior: "create_prorations",
    start_date: start,
    transfer_data: null,
    trial_end: null,
  });
}

export function createSchedule(ctx: FakeContext, body: FormObject): Stripe.SubscriptionSchedule {
  const subscriptionId = str(body.from_subscription);
  if (!subscriptionId) {
    throw new FakeStripeError(400, "The fake only creates schedules with from_subscription.", {
      code: "parameter_missing",
      param: "from_subscription",
    });
  }
  const subscription = retrieve(ctx.state.subscriptions, "subscription", subscriptionId);
  if (subscription.schedule) {
    throw new FakeStripeError(
      400,
      `You cannot migrate a subscription that is already attached to a schedule: \`${subscription.schedule}\`.`,
      { param: "from_subscription" },
    );
  }
  if (subscription.status === "canceled") {
    throw new FakeStripeError(400, "You cannot create a schedule for a canceled subscription.", {
      param: "from_subscription",
    });
  }
  const period = currentPeriod(subscription);
  const created = now(ctx);
  const schedule = shape<Stripe.SubscriptionSchedule>({
    id: newId("sub_sched_"),
    object: "subscription_schedule",
    application: null,
    canceled_at: null,
    completed_at: null,
    created,
    current_phase: { start_date: period.start, end_date: period.end },
    customer: subscription.customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      billing_cycle_anchor: "automatic",
      billing_thresholds: null,
      collection_method: "charge_automatically",
      default_payment_method: null,
      description: null,
      invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: "release",
    livemode: false,
    metadata: {},
    phases: [
      phaseObject(
        subscription.items.data.map((item) => ({
          price: item.price.id,
          quantity: item.quantity ?? 1,
        })),
        period.start,
        period.end,
        subscription.currency,
      ),
    ],
    released_at: null,
    released_subscription: null,
    status: "active",
    subscription: subscription.id,
    test_clock: null,
  });
  ctx.state.schedules.set(schedule.id, schedule);
  subscription.schedule = schedule.id;
  return schedule;
}

function timestampParam(ctx: FakeContext, value: FormValue | undefined): number | undefined {
  return str(value) === "now" ? now(ctx) : int(value);
}

export function updateSchedule(
  ctx: FakeContext,
  id: string,
  body: FormObject,
): Stripe.SubscriptionSchedule {
  const schedule = retrieve(ctx.state.schedules, "subscription schedule", id);
  if (schedule.status !== "active" && schedule.status !== "not_started") {
    throw new FakeStripeError(
      400,
      `You cannot update a subscription schedule that is ${schedule.status}.`,
    );
  }
  const rawPhases = list(body.phases);
  if (rawPhases.length > 0) {
    const currency = schedule.phases[0]?.currency ?? CURRENCY;
    let previousEnd = schedule.phases[0]?.start_date ?? now(ctx);
    schedule.phases = rawPhases.map((raw, index) => {
      const phase = obj(raw) ?? {};
      const items = list(phase.items).map((rawItem, itemIndex) => {
        const item = obj(rawItem) ?? {};
        const price = str(item.price);
        if (!price) throw missing(`phases[${index}][items][${itemIndex}][price]`);
        return { price, quantity: int(item.quantity) ?? 1 };
      });
      if (items.length === 0) throw missing(`phases[${index}][items]`);
      const start = timestampParam(ctx, phase.start_date) ?? previousEnd;
      const duration = obj(phase.duration);
      const months = duration ? (int(duration.interval_count) ?? 1) : 1;
      const end = timestampParam(ctx, phase.end_date) ?? start + months * PERIOD_SECONDS;
      previousEnd = end;
      return phaseObject(items, start, end, currency);
    });
    const current = schedule.phases.find(
      (phase) => phase.start_date <= now(ctx) && now(ctx) < phase.end_date,
    );
    schedule.current_phase = current
      ? { start_date: current.start_date, end_date: current.end_date }
      : schedule.current_phase;
  }
  const endBehavior = str(body.end_behavior);
  if (endBehavior) schedule.end_behavior = endBehavior;
  schedule.metadata = mergeMetadata(schedule.metadata ?? {}, body.metadata);
  return schedule;
}

/** Detaches a schedule from its subscription: released by request or at its end, or canceled with it. */
export function endSchedule(
  ctx: FakeContext,
  subscription: Stripe.Subscription,
  how: "released" | "canceled",
): void {
  const scheduleId = subscription.schedule;
  if (typeof scheduleId !== "string") return;
  const schedule = ctx.state.schedules.get(scheduleId);
  subscription.schedule = null;
  if (!schedule) return;
  schedule.status = how;
  schedule.current_phase = null;
  if (how === "released") {
    schedule.released_at = now(ctx);
    schedule.released_subscription = subscription.id;
    schedule.subscription = null;
  } else {
    schedule.canceled_at = now(ctx);
  }
}

export function releaseSchedule(ctx: FakeContext, id: string): Stripe.SubscriptionSchedule {
  const schedule = retrieve(ctx.state.schedules, "subscription schedule", id);
  if (schedule.status !== "active" && schedule.status !== "not_started") {
    throw new FakeStripeError(
      400,
      `You cannot release a subscription schedule that is ${schedule.status}.`,
    );
  }
  const subscriptionId = typeof schedule.subscription === "string" ? schedule.subscription : null;
  const subscription = subscriptionId ? ctx.state.subscriptions.get(subscriptionId) : undefined;
  if (subscription) {
    endSchedule(ctx, subscription, "released");
  } else {
    schedule.status = "released";
    schedule.released_at = now(ctx);
    schedule.current_phase = null;
  }
  return schedule;
}

/** At a renewal: the schedule's phase that starts the new period sets the items' prices. */
export function applySchedule(
  ctx: FakeContext,
  subscription: Stripe.Subscription,
  periodStart: number,
): void {
  const scheduleId = subscription.schedule;
  if (typeof scheduleId !== "string") return;
  const schedule = ctx.state.schedules.get(scheduleId);
  if (schedule?.status !== "active") return;
  const phases = [...schedule.phases].sort((a, b) => a.start_date - b.start_date);
  const phase = phases.find(
    (candidate) => candidate.start_date <= periodStart && periodStart < candidate.end_date,
  );
  if (!phase) {
    // Past the last phase's end: the schedule is done and lets go of the subscription.
    endSchedule(ctx, subscription, "released");
    return;
  }
  schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
  const items = phase.items.map((item) => ({
    price: typeof item.price === "string" ? item.price : item.price.id,
    quantity: item.quantity ?? 1,
  }));
  const period = currentPeriod(subscription);
  subscription.items.data = items.map((wanted, index) => {
    const existing = subscription.items.data[index];
    if (existing) {
      if (existing.price.id !== wanted.price)
        setItemPrice(ctx, existing, priceInfo(ctx, wanted.price));
      existing.quantity = wanted.quantity;
      return existing;
    }
    return subscriptionItemObject({
      price: priceInfo(ctx, wanted.price),
      quantity: wanted.quantity,
      subscription: subscription.id,
      created: now(ctx),
      periodStart: period.start,
      periodEnd: period.end,
    });
  });
}
