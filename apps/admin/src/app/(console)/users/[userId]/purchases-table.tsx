"use client";

import { type Purchase, purchaseColumns } from "@credits/credits/react";
import { DataTable, type DataTableColumn, EmptyState } from "@credits/ui";
import { useMemo } from "react";
import { RefundButton } from "./refund-button.tsx";

/**
 * A user's recent purchases for an operator: the columns the customer sees, and a refund. The
 * overview holds the 20 most recent, newest first, so there is nothing to sort or page.
 */
export function PurchasesTable({
  purchases,
  customer,
  appBalance,
}: {
  purchases: Purchase[];
  customer: string;
  appBalance: (appId: string) => number;
}) {
  const columns = useMemo<DataTableColumn<Purchase>[]>(
    () => [
      ...purchaseColumns,
      {
        id: "refund",
        header: "Refund",
        align: "end",
        cell: (purchase) => (
          <RefundButton
            purchase={purchase}
            customer={customer}
            balance={appBalance(purchase.appId)}
          />
        ),
      },
    ],
    [customer, appBalance],
  );
  return (
    <DataTable
      label="Purchases"
      columns={columns}
      rows={purchases}
      getRowId={(purchase) => purchase.id}
      empty={<EmptyState title="No purchases" />}
      testId="user-purchases"
    />
  );
}
