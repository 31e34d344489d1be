import type { Database } from "@credits/db";
import { InvalidRequestError, NotFoundError, StateConflictError } from "../errors.ts";
import type {
  AdjustCreditsInput,
  CreatePurchaseInput,
  GrantCreditsInput,
  LedgerResult,
  PurchaseResult,
  RefundPurchaseInput,
  RefundResult,
  SpendCreditsInput,
} from "../schemas/credits.ts";
import { GrantCreditsInput as GrantCreditsSchema } from "../schemas/credits.ts";
import { auditOperatorAction } from "./audit.ts";
import { runSimpleDebit } from "./debit-statement.ts";
import { recordEvent } from "./events/record.ts";
import { runIdempotent } from "./idempotency.ts";
import { creditAccount, debitAccount, lockAccount, type Movement } from "./ledger.ts";
import type { Actor } from "./types.ts";

/** The answer of an operation that moved credits: the entry, the balance and what is available. */
export function ledgerResult(movement: Movement): LedgerResult {
  return {
    transactionId: movement.entry.transactionId,
    balance: movement.entry.balance,
    available: movement.available,
  };
}

/** The request an idempotency key stands for: the input without the key itself. */
export function withoutKey<T extends { idempotencyKey: string }>(
  input: T,
): Omit<T, "idempotencyKey"> {
  const { idempotencyKey: _key, ...request } = input;
  return request;
}

/** Spends credits of `userId` for something that is not a recorded purchase (a SPEND entry). */
export function spendCredits(
  db: Database,
  actor: Actor,
  userId: string,
  input: SpendCreditsInput,
): Promise<LedgerResult> {
  return runSimpleDebit<LedgerResult>(
    db,
    {
      actor,
      key: input.idempotencyKey,
      operation: "credits.spend",
      request: { userId, ...withoutKey(input) },
    },
    {
      userId,
      appId: input.appId,
      amount: input.amount,
      type: "SPEND",
      description: input.description,
      metadata: input.metadata,
    },
  );
}

/** Buys an item with credits: records the purchase and posts a PURCHASE entry linked to it. */
export function createPurchase(
  db: Database,
  actor: Actor,
  userId: string,
  input: CreatePurchaseInput,
): Promise<PurchaseResult> {
  return runSimpleDebit<PurchaseResult>(
    db,
    {
      actor,
      key: input.idempotencyKey,
      operation: "purchases.create",
      request: { userId, ...withoutKey(input) },
    },
    {
      userId,
      appId: input.appId,
      amount: input.credits,
      type: "PURCHASE",
      description: `Purchase: ${input.itemName}`,
      purchase: { itemId: input.itemId, itemName: input.itemName },
    },
  );
}

/**
 * Refunds a purchase, fully or in part (never more than was paid and not yet refunded): the credits
 * come back as a REFUND grant, with a REFUND entry linked to the purchase.
 */
export function refundPurchase(
  db: Database,
  actor: Actor,
  input: RefundPurchaseInput,
): Promise<RefundResult> {
  return runIdempotent(
    db,
    { actor, key: input.idempotencyKey, operation: "purchases.refund", request: withoutKey(input) },
    async (tx) => {
      const [owner] = await tx.$queryRaw<{ user_id: string; app_id: string }[]>`
        SELECT user_id, app_id FROM purchases WHERE id = ${input.purchaseId}::uuid`;
      if (!owner) throw new NotFoundError("purchase", input.purchaseId);
      // The account lock comes first, as in every operation, then the purchase row.
      const account = await lockAccount(tx, owner.user_id, owner.app_id, { create: true });
      const [purchase] = await tx.$queryRaw<
        { credits: bigint; refunded_credits: bigint; item_name: string }[]
      >`
        SELECT credits, refunded_credits, item_name FROM purchases WHERE id = ${input.purchaseId}::uuid FOR UPDATE`;
      if (!purchase) throw new NotFoundError("purchase", input.purchaseId);
      const refundable = Number(purchase.credits - purchase.refunded_credits);
      if (refundable === 0)
        throw new StateConflictError("This purchase has already been fully refunded.");
      const amount = input.amount ?? refundable;
      if (amount > refundable) {
        throw new InvalidRequestError(
          `At most ${refundable} credits of this purchase can still be refunded.`,
          "amount",
        );
      }
      const status = amount === refundable ? "REFUNDED" : "PARTIALLY_REFUNDED";
      await tx.$executeRaw`
        UPDATE purchases SET refunded_credits = refunded_credits + ${amount}::bigint,
          status = ${status}::"PurchaseStatus", updated_at = now()
        WHERE id = ${input.purchaseId}::uuid`;
      const movement = await creditAccount(
        tx,
        { userId: owner.user_id, appId: owner.app_id, locked: account },
        { source: "REFUND", amount, purchaseId: input.purchaseId },
        {
          type: "REFUND",
          description: `Refund: ${purchase.item_name}`,
          actor,
          idempotencyKey: input.idempotencyKey,
          metadata: { reason: input.reason },
          links: { purchaseId: input.purchaseId },
        },
      );
      const refundedBefore = Number(purchase.refunded_credits);
      await recordEvent(tx, {
        type: "purchase.refunded",
        userId: owner.user_id,
        appId: owner.app_id,
        data: {
          purchase_id: input.purchaseId,
          item_name: purchase.item_name,
          refunded: amount,
          refunded_total: refundedBefore + amount,
          status: status.toLowerCase(),
          balance: movement.entry.balance,
          available: movement.available,
          transaction_id: movement.entry.transactionId,
        },
      });
      await auditOperatorAction(tx, actor, {
        action: "purchase.refund",
        targetUserId: owner.user_id,
        before: {
          purchaseId: input.purchaseId,
          refundedCredits: refundedBefore,
          balance: movement.account.balance,
        },
        after: {
          purchaseId: input.purchaseId,
          refundedCredits: refundedBefore + amount,
          status,
          balance: movement.entry.balance,
          transactionId: movement.entry.transactionId,
        },
        reason: input.reason,
      });
      return { ...ledgerResult(movement), purchaseId: input.purchaseId, refunded: amount, status };
    },
  );
}

/**
 * Grants credits from billing, promotions or operators: a new grant (optionally expiring) and a
 * GRANT entry. Used by the Stripe webhooks and subscriptions with their own actor and key.
 */
export function grantCredits(
  db: Database,
  actor: Actor,
  rawInput: GrantCreditsInput,
): Promise<LedgerResult> {
  const input = GrantCreditsSchema.parse(rawInput);
  return runIdempotent(
    db,
    { actor, key: input.idempotencyKey, operation: "credits.grant", request: withoutKey(input) },
    async (tx) =>
      ledgerResult(
        await creditAccount(
          tx,
          { userId: input.userId, appId: input.appId },
          {
            source: input.source,
            amount: input.amount,
            expiresAt: input.expiresAt ?? null,
            priority: input.priority,
            stripeObjectId: input.stripeObjectId,
          },
          {
            type: "GRANT",
            description: input.description,
            actor,
            idempotencyKey: input.idempotencyKey,
            metadata: input.metadata,
            links: { stripeObjectId: input.stripeObjectId },
          },
        ),
      ),
  );
}

/** An operator's correction: a grant (optionally expiring) or a debit, with a required reason. */
export function adjustCredits(
  db: Database,
  actor: Actor,
  input: AdjustCreditsInput,
): Promise<LedgerResult> {
  return runIdempotent(
    db,
    {
      actor,
      key: input.idempotencyKey,
      operation: "admin.credits.adjust",
      request: withoutKey(input),
    },
    async (tx) => {
      const entry = {
        type: "ADJUSTMENT" as const,
        description: input.reason,
        actor,
        idempotencyKey: input.idempotencyKey,
        metadata: { reason: input.reason, direction: input.direction },
      };
      const target = { userId: input.userId, appId: input.appId };
      const movement =
        input.direction === "grant"
          ? await creditAccount(
              tx,
              target,
              { source: "ADMIN", amount: input.amount, expiresAt: input.expiresAt ?? null },
              entry,
            )
          : await debitAccount(tx, { ...target, amount: input.amount }, entry);
      await auditOperatorAction(tx, actor, {
        action: `credits.${input.direction}`,
        targetUserId: input.userId,
        before: { appId: input.appId, balance: movement.account.balance },
        after: {
          appId: input.appId,
          balance: movement.entry.balance,
          amount: input.amount,
          expiresAt: "expiresAt" in input ? (input.expiresAt?.toISOString() ?? null) : null,
          transactionId: movement.entry.transactionId,
        },
        reason: input.reason,
      });
      return ledgerResult(movement);
    },
  );
}
