// The REST API of the original design, one route group a file, in the order the OpenAPI document
// lists them.
import type { Route } from "../route.ts";
import { autoTopupRoutes } from "./auto-topup.ts";
import { creditRoutes } from "./credits.ts";
import { customerRoutes } from "./customers.ts";
import { holdRoutes } from "./holds.ts";
import { subscriptionRoutes } from "./subscriptions.ts";
import { thresholdRoutes } from "./thresholds.ts";
import { usageRoutes } from "./usage.ts";
import { webhookRoutes } from "./webhooks.ts";

export const routes: readonly Route[] = [
  ...customerRoutes,
  ...creditRoutes,
  ...thresholdRoutes,
  ...autoTopupRoutes,
  ...holdRoutes,
  ...subscriptionRoutes,
  ...usageRoutes,
  ...webhookRoutes,
];
