// The gRPC requests as service inputs, checked with the same zod building blocks as the REST API
// and tRPC. A failure is INVALID_ARGUMENT naming each field (the proto's snake_case) and why.
import { z } from "zod";
import { AppIdOrDefault, CreditAmount, CustomerRef, Description } from "../schemas/common.ts";
import { CreatePurchaseInput } from "../schemas/credits.ts";
import { GrpcStatusError } from "./status.ts";

/** int64 arrives as a bigint; beyond a double's exact range it is out of bounds anyway. */
const Credits = z.bigint().transform(Number).pipe(CreditAmount);

/** proto3 sends an unset string as ""; an app left unset is the default app, as in REST. */
const App = z
  .string()
  .transform((value) => (value === "" ? undefined : value))
  .pipe(AppIdOrDefault);

/** proto3 sends an unset string as "": no `created_by` given; otherwise the REST API's rule. */
const CreatedBy = z
  .string()
  .transform((value) => (value === "" ? undefined : value))
  .pipe(CustomerRef.optional());

export const UserIdRequest = z.object({ userId: CustomerRef });

export const AppIdRequest = z.object({ appId: App });

export const CreditRequest = z.object({
  userId: CustomerRef,
  appId: App,
  credits: Credits,
  description: z
    .string()
    .transform((value) => (value.trim() === "" ? "Credits added" : value))
    .pipe(Description),
  createdBy: CreatedBy,
});

export const PurchaseRequest = z.object({
  userId: CustomerRef,
  appId: App,
  reportId: CreatePurchaseInput.shape.itemId,
  reportName: CreatePurchaseInput.shape.itemName,
  credits: Credits,
  createdBy: CreatedBy,
});

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The request's fields as `schema` reads them, or INVALID_ARGUMENT listing what is wrong. */
export function parseRequest<S extends z.ZodType>(schema: S, message: unknown): z.output<S> {
  const parsed = schema.safeParse(message);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.map((part) => snakeCase(String(part))).join(".")}: ${issue.message}`,
  );
  throw new GrpcStatusError(problems.join("; "), "INVALID_ARGUMENT");
}
