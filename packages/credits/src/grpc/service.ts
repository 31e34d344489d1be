// The CreditService of proto/credits/v1/credits.proto on the service layer: each method admits the
// call (call.ts), parses its request (requests.ts), calls one service function and serializes the
// answer (serializers.ts). The streams read the database a keyset page at a time as the client
// takes messages, so a long history is never held whole.
import type {
  DescMethodServerStreaming,
  DescMethodUnary,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import type { RestDependencies } from "../rest/handler.ts";
import { appOutstandingCredits } from "../service/app-balance.ts";
import { customerToDebit, findCustomer, findOrCreateCustomer } from "../service/customers.ts";
import { createPurchase, grantCredits } from "../service/operations.ts";
import { getBalances, listHistory, listPurchases } from "../service/queries.ts";
import { withRecordedBy } from "../service/types.ts";
import { admit, type GrpcCall, grpcErrorOf, idempotencyKeyOf } from "./call.ts";
import type { CreditService } from "./generated/credits/v1/credits_pb.ts";
import {
  AppIdRequest,
  CreditRequest,
  PurchaseRequest,
  parseRequest,
  UserIdRequest,
} from "./requests.ts";
import {
  balanceMessage,
  purchaseMessage,
  transactionMessage,
  userCreditsMessage,
} from "./serializers.ts";

/** Rows a stream reads from the database at a time. */
const streamPage = 100;

/** Runs a unary method, answering any failure as its gRPC status. */
async function unary<T>(method: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw grpcErrorOf(error, method);
  }
}

/** One keyset page of a stream's messages and the cursor of the next (null after the last). */
type PageReader<Message> = (
  cursor: string | undefined,
) => Promise<{ messages: Message[]; next: string | null }>;

/**
 * Streams every page `start` reads (null: nothing to stream), one page in memory at a time, each
 * read only once the client took the previous one; any failure is answered as its status.
 */
async function* paged<Message>(
  method: string,
  start: () => Promise<PageReader<Message> | null>,
): AsyncGenerator<Message> {
  try {
    const readPage = await start();
    if (!readPage) return;
    let cursor: string | undefined;
    do {
      const page = await readPage(cursor);
      yield* page.messages;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
  } catch (error) {
    throw grpcErrorOf(error, method);
  }
}

type Methods = typeof CreditService.method;

/**
 * Each method of the CreditService as a function of its request message and call: a unary one
 * answers one message, a server-streaming one yields them. server.ts serves them over gRPC.
 */
export type CreditServiceHandlers = {
  [Name in keyof Methods]: Methods[Name] extends DescMethodServerStreaming<infer In, infer Out>
    ? (request: MessageShape<In>, call: GrpcCall) => AsyncIterable<MessageInitShape<Out>>
    : Methods[Name] extends DescMethodUnary<infer In, infer Out>
      ? (request: MessageShape<In>, call: GrpcCall) => Promise<MessageInitShape<Out>>
      : never;
};

/** The CreditService's methods over the service layer. */
export function creditServiceHandlers(deps: RestDependencies): CreditServiceHandlers {
  const { db } = deps;
  /** Admits a read of one user's list and resolves the user; null for an unknown user. */
  async function readableUser(message: unknown, call: GrpcCall) {
    const { userId: ref } = parseRequest(UserIdRequest, message);
    await admit(deps, call, "read", ref);
    return { ref, userId: await findCustomer(db, ref) };
  }

  return {
    addCredits: (message, call) =>
      unary("AddCredits", async () => {
        const input = parseRequest(CreditRequest, message);
        const { actor } = await admit(deps, call, "write", input.userId);
        await grantCredits(db, withRecordedBy(actor, input.createdBy), {
          userId: await findOrCreateCustomer(db, input.userId),
          appId: input.appId,
          amount: input.credits,
          description: input.description,
          source: "PROMOTION",
          idempotencyKey: idempotencyKeyOf(call),
        });
        return {};
      }),
    useCredits: (message, call) =>
      unary("UseCredits", async () => {
        const input = parseRequest(PurchaseRequest, message);
        const { actor } = await admit(deps, call, "write", input.userId);
        const idempotencyKey = idempotencyKeyOf(call);
        await createPurchase(
          db,
          withRecordedBy(actor, input.createdBy),
          await customerToDebit(db, input.userId, input.credits),
          {
            appId: input.appId,
            itemId: input.reportId,
            itemName: input.reportName,
            credits: input.credits,
            idempotencyKey,
          },
        );
        return {};
      }),
    getUserCredits: (message, call) =>
      unary("GetUserCredits", async () => {
        const { ref, userId } = await readableUser(message, call);
        const balances = userId
          ? await getBalances(db, userId)
          : { total: 0, held: 0, available: 0, apps: [] };
        return userCreditsMessage(ref, userId, balances);
      }),
    getAppBalance: (message, call) =>
      unary("GetAppBalance", async () => {
        const { appId } = parseRequest(AppIdRequest, message);
        await admit(deps, call, "read");
        return balanceMessage(appId, await appOutstandingCredits(db, appId));
      }),
    listUserTransactions: (message, call) =>
      paged("ListUserTransactions", async () => {
        const { ref, userId } = await readableUser(message, call);
        if (!userId) return null;
        return async (cursor: string | undefined) => {
          const page = await listHistory(db, userId, { limit: streamPage, cursor });
          return {
            messages: page.entries.map((entry) => transactionMessage(ref, entry)),
            next: page.nextCursor,
          };
        };
      }),
    listUserPurchases: (message, call) =>
      paged("ListUserPurchases", async () => {
        const { ref, userId } = await readableUser(message, call);
        if (!userId) return null;
        return async (cursor: string | undefined) => {
          const page = await listPurchases(db, userId, { limit: streamPage, cursor });
          return {
            messages: page.purchases.map((purchase) => purchaseMessage(ref, purchase)),
            next: page.nextCursor,
          };
        };
      }),
  };
}
