// Transfers between users of one app: a TRANSFER_OUT and a TRANSFER_IN entry in one transaction.
import { randomUUID } from "node:crypto";
import type { Database } from "@credits/db";
import { InvalidRequestError, NotFoundError } from "../errors.ts";
import type {
  TransferCreditsInput,
  TransferRecipientCheck,
  TransferResult,
} from "../schemas/credits.ts";
import { runIdempotent } from "./idempotency.ts";
import { creditAccount, debitAccount, lockAccount } from "./ledger.ts";
import { ledgerResult, withoutKey } from "./operations.ts";
import type { Actor, Tx } from "./types.ts";

const toSelf = "You cannot transfer credits to yourself.";

async function findRecipient(
  tx: Tx | Database,
  to: TransferCreditsInput["to"],
): Promise<string | null> {
  const rows =
    "userId" in to
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${to.userId}::uuid`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE lower(email) = ${to.email}`;
  return rows[0]?.id ?? null;
}

async function resolveRecipient(
  tx: Tx | Database,
  to: TransferCreditsInput["to"],
): Promise<string> {
  const recipient = await findRecipient(tx, to);
  if (!recipient) throw new NotFoundError("user", "userId" in to ? to.userId : to.email);
  return recipient;
}

/**
 * Checks, before anything is asked of the sender, that a transfer from `fromUserId` to `to` could
 * go through: the recipient exists and is someone else. The refusals are answers, not errors, so
 * a form refuses an unknown email before its confirmation step without a failed request; the
 * transfer checks again (and throws), as the recipient could go in between.
 */
export async function checkTransferRecipient(
  db: Database,
  fromUserId: string,
  to: TransferCreditsInput["to"],
): Promise<TransferRecipientCheck> {
  const recipientUserId = await findRecipient(db, to);
  if (!recipientUserId) {
    const message = "userId" in to ? "No user has this id." : "No user has this email address.";
    return { ok: false, problem: "unknown", message };
  }
  if (recipientUserId === fromUserId) return { ok: false, problem: "self", message: toSelf };
  return { ok: true, recipientUserId };
}

/**
 * Moves credits from one user to another in the same app: a TRANSFER_OUT and a TRANSFER_IN entry
 * (the latter as a new grant) in one transaction. Both accounts are locked in user-id order, so
 * A→B and B→A running at once cannot deadlock.
 */
export function transferCredits(
  db: Database,
  actor: Actor,
  fromUserId: string,
  input: TransferCreditsInput,
): Promise<TransferResult> {
  return runIdempotent(
    db,
    {
      actor,
      key: input.idempotencyKey,
      operation: "credits.transfer",
      request: { fromUserId, ...withoutKey(input) },
    },
    async (tx) => {
      const toUserId = await resolveRecipient(tx, input.to);
      if (toUserId === fromUserId) {
        throw new InvalidRequestError(toSelf, "to");
      }
      // Accounts are locked in user-id order, so A→B and B→A cannot deadlock: when the recipient
      // comes first, its account is locked (and created) before the sender's.
      const recipientAccount =
        toUserId < fromUserId
          ? await lockAccount(tx, toUserId, input.appId, { create: true })
          : undefined;
      const transferId = randomUUID();
      const sent = await debitAccount(
        tx,
        { userId: fromUserId, appId: input.appId, amount: input.amount },
        {
          type: "TRANSFER_OUT",
          description: input.description,
          actor,
          idempotencyKey: input.idempotencyKey,
        },
        async () => {
          await tx.$executeRaw`
            INSERT INTO credit_transfers (id, app_id, from_user_id, to_user_id, amount, description)
            VALUES (${transferId}::uuid, ${input.appId}, ${fromUserId}::uuid, ${toUserId}::uuid,
              ${input.amount}::bigint, ${input.description})`;
          return { transferId };
        },
      );
      await creditAccount(
        tx,
        { userId: toUserId, appId: input.appId, locked: recipientAccount },
        { source: "TRANSFER", amount: input.amount },
        {
          type: "TRANSFER_IN",
          description: input.description,
          actor,
          idempotencyKey: input.idempotencyKey,
          links: { transferId },
        },
      );
      return { ...ledgerResult(sent), transferId, recipientUserId: toUserId };
    },
  );
}
