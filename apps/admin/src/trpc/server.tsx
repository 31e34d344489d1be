import "server-only";

import { createServerHelpers } from "@credits/credits/rsc";
import { createContext } from "./context.ts";

export const { trpc, getQueryClient, HydrateClient } = createServerHelpers(createContext);
