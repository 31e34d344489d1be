// Service tokens for the REST API.
import { z } from "zod";
import { SafeText } from "./common.ts";

export const CreateServiceTokenInput = z.object({
  name: SafeText.trim()
    .min(1, { error: "must not be empty" })
    .max(100, { error: "must be at most 100 characters" }),
  scopes: z
    .array(z.enum(["read", "write"], { error: "must be read or write" }))
    .min(1, { error: "must include read, write or both" })
    .max(2),
});

export const ServiceTokenIdInput = z.object({
  tokenId: z.uuid({ error: "must be a token id (a UUID)" }),
});
