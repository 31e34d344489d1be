import { describe, expect, it } from "vitest";
import { formatSigned } from "./format.ts";
import {
  actorLabel,
  auditActionLabel,
  auditChanges,
  auditFieldLabel,
  entryTypeLabel,
  formatAuditValue,
} from "./vocabulary.ts";

const customer = { side: "customer", userId: "u-1" } as const;
const operator = { side: "operator", userId: "op-1" } as const;

describe("entry types", () => {
  it("names an adjustment after what it did, as the operator chose it", () => {
    expect(entryTypeLabel("ADJUSTMENT", 500)).toBe("Grant");
    expect(entryTypeLabel("ADJUSTMENT", -20)).toBe("Debit");
    expect(entryTypeLabel("TRANSFER_OUT", -5)).toBe("Sent");
  });
});

describe("actors", () => {
  it('says "you" only to the person who acted', () => {
    expect(actorLabel({ type: "USER", id: "u-1" }, customer)).toBe("you");
    expect(actorLabel({ type: "ADMIN", id: "op-1" }, operator)).toBe("you");
    expect(actorLabel({ type: "USER", id: "u-1" }, operator)).toBe("the customer");
    expect(actorLabel({ type: "ADMIN", id: "op-1" }, customer)).toBe("support");
    expect(actorLabel({ type: "ADMIN", id: "op-2" }, operator)).toBe("another operator");
  });
});

describe("signed amounts", () => {
  it("groups thousands and uses a true minus sign", () => {
    expect(formatSigned(1250)).toBe("+1,250");
    expect(formatSigned(-120)).toBe("−120");
    expect(formatSigned(-1_000_000)).toBe("−1,000,000");
    expect(formatSigned(0)).toBe("0");
  });
});

describe("audit log words", () => {
  it("names actions and fields in words, unknown ones too", () => {
    expect(auditActionLabel("purchase.refund")).toBe("Refunded a purchase");
    expect(auditActionLabel("something.new")).toBe("something.new");
    expect(auditFieldLabel("refundedCredits")).toBe("Refunded credits");
    expect(auditFieldLabel("pendingTier")).toBe("Pending tier");
  });

  it("formats recorded values", () => {
    expect(formatAuditValue("balance", 12500)).toBe("12,500");
    expect(formatAuditValue("expiresAt", null)).toBe("none");
    expect(formatAuditValue("cancelAtPeriodEnd", true)).toBe("yes");
    expect(formatAuditValue("tier", "PRO")).toBe("Pro");
    expect(formatAuditValue("externalId", "ABC_1")).toBe("ABC_1");
    expect(formatAuditValue("expiresAt", "2026-12-03T10:00:00.000Z")).not.toContain("T10:00");
  });

  it("lists what changed and what only the state after holds, without ids", () => {
    const changes = auditChanges(
      { purchaseId: "p-1", refundedCredits: 0, balance: 1200 },
      {
        purchaseId: "p-1",
        refundedCredits: 60,
        status: "PARTIALLY_REFUNDED",
        balance: 1260,
        transactionId: "42",
      },
    );
    expect(changes).toEqual([
      "Refunded credits: 0 → 60",
      "Status: Partially refunded",
      "Balance: 1,200 → 1,260",
    ]);
  });

  it("reads an entry with no state before as what was set", () => {
    expect(auditChanges(null, { externalId: "42", email: "a@example.com" })).toEqual([
      "External id: 42",
      "Email: a@example.com",
    ]);
    expect(auditChanges({ role: "USER" }, { role: "USER" })).toEqual([]);
  });
});
