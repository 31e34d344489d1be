/**
 * A subscription's status in words, the same for the user on their billing page and the operator
 * on the user's page. Keyed by the status names of the credits package's SubscriptionView, so a
 * status added there without a label here fails the apps' typecheck where it is looked up.
 */
export const subscriptionStatusLabels = {
  ACTIVE: "Active",
  TRIALING: "Trial",
  PAST_DUE: "Payment overdue",
  CANCELED: "Canceled",
  INCOMPLETE: "Waiting for payment",
} as const;
