import "server-only";

import { createRequestContext } from "@credits/credits/next";
import { createServerHelpers } from "@credits/credits/rsc";

export const { trpc, getQueryClient, HydrateClient } = createServerHelpers(createRequestContext);
