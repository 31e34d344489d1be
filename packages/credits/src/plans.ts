// The plan catalog: tiers, what each includes, and the credit packs on sale. It is code, not data,
// so every tier and feature name is checked by the compiler; Stripe price ids come from the
// environment (billing env), because they differ between test and live mode.

export const tiers = ["FREE", "PRO", "PREMIUM"] as const;
export type Tier = (typeof tiers)[number];

export const tierRank: Record<Tier, number> = { FREE: 0, PRO: 1, PREMIUM: 2 };

/**
 * A feature is either limited per period by the tier (a quota) or paid per unit in credits
 * (metered: each unit costs `creditsPerUnit` of the user's credits, whatever the tier).
 */
export type FeatureDefinition =
  | { kind: "quota"; label: string; unit: string }
  | { kind: "metered"; label: string; unit: string; creditsPerUnit: number; appId: string };

export const features = {
  reports: { kind: "quota", label: "Reports", unit: "report" },
  api_calls: { kind: "quota", label: "API calls", unit: "call" },
  exports: { kind: "quota", label: "Exports", unit: "export" },
  ai_generations: {
    kind: "metered",
    label: "AI generations",
    unit: "generation",
    creditsPerUnit: 5,
    appId: "default",
  },
} as const satisfies Record<string, FeatureDefinition>;

export type Feature = keyof typeof features;
export const featureNames = Object.keys(features) as Feature[];
export type QuotaFeature = {
  [F in Feature]: (typeof features)[F]["kind"] extends "quota" ? F : never;
}[Feature];

export interface Plan {
  tier: Tier;
  name: string;
  description: string;
  /** The list price per month in cents, for display; Stripe's price is what is charged. */
  monthlyPriceCents: number;
  /** Credits granted once per paid invoice, expiring at the end of the period. */
  monthlyCredits: number;
  /** The most unused allowance that rolls over into the next period. */
  rolloverCap: number;
  /** Per-period limit of each quota feature; null means unlimited. */
  quotas: Record<QuotaFeature, number | null>;
}

export const plans: Record<Tier, Plan> = {
  FREE: {
    tier: "FREE",
    name: "Free",
    description: "For trying things out.",
    monthlyPriceCents: 0,
    monthlyCredits: 0,
    rolloverCap: 0,
    quotas: { reports: 5, api_calls: 1_000, exports: 3 },
  },
  PRO: {
    tier: "PRO",
    name: "Pro",
    description: "For individuals who use it every day.",
    monthlyPriceCents: 1_900,
    monthlyCredits: 1_000,
    rolloverCap: 500,
    quotas: { reports: 100, api_calls: 50_000, exports: 50 },
  },
  PREMIUM: {
    tier: "PREMIUM",
    name: "Premium",
    description: "For teams with heavy workloads.",
    monthlyPriceCents: 4_900,
    monthlyCredits: 5_000,
    rolloverCap: 2_500,
    quotas: { reports: 1_000, api_calls: 500_000, exports: null },
  },
};

/** The app whose account receives subscription allowances and credit packs. */
export const billingAppId = "default";

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  priceCents: number;
}

/** One-time purchases through Stripe Checkout; priced inline, so they need no Stripe set-up. */
export const creditPacks: readonly CreditPack[] = [
  { id: "pack_500", name: "500 credits", credits: 500, priceCents: 500 },
  { id: "pack_2500", name: "2,500 credits", credits: 2_500, priceCents: 2_250 },
  { id: "pack_10000", name: "10,000 credits", credits: 10_000, priceCents: 8_000 },
];

export function findCreditPack(id: string): CreditPack | undefined {
  return creditPacks.find((pack) => pack.id === id);
}
