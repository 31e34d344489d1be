import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  emptyHistoryFilter,
  historyFilterFromSearchParams,
  historyFilterOf,
  historyFilterSearchParams,
} from "./history-filter.ts";

describe("history filter", () => {
  const zone = process.env.TZ;
  // A viewer far from UTC: their days start and end at other instants than UTC's.
  beforeEach(() => {
    process.env.TZ = "Pacific/Auckland";
  });
  afterEach(() => {
    process.env.TZ = zone;
  });

  it("means whole days in the viewer's time zone", () => {
    const filter = historyFilterOf({
      app: "reports",
      type: "SPEND",
      from: "2026-05-10",
      to: "2026-05-11",
    });
    expect(filter).toEqual({
      appId: "reports",
      types: ["SPEND"],
      from: new Date("2026-05-09T12:00:00.000Z"),
      to: new Date("2026-05-11T11:59:59.999Z"),
    });
    expect(historyFilterOf(emptyHistoryFilter)).toEqual({
      appId: undefined,
      types: undefined,
      from: undefined,
      to: undefined,
    });
  });

  it("reaches the export as the same instants, whatever the server's time zone", () => {
    const filter = historyFilterOf({
      app: "default",
      type: "",
      from: "2026-05-10",
      to: "2026-05-10",
    });
    const params = historyFilterSearchParams(filter);
    expect(params.toString()).toBe(
      "app=default&from=2026-05-09T12%3A00%3A00.000Z&to=2026-05-10T11%3A59%3A59.999Z",
    );
    process.env.TZ = "UTC";
    expect(historyFilterFromSearchParams(new URLSearchParams(params.toString()))).toEqual({
      success: true,
      data: { ...filter, types: undefined },
    });
    expect(historyFilterFromSearchParams(new URLSearchParams())).toEqual({
      success: true,
      data: { appId: undefined, types: undefined, from: undefined, to: undefined },
    });
  });

  it("refuses bare days (their time zone is unknown), bad types and a range that ends before it starts", () => {
    const result = historyFilterFromSearchParams(
      new URLSearchParams("from=2026-05-10&type=NOPE&app=Not%20An%20App"),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(["app", "from", "type"]);
    expect(result.fieldErrors.from?.[0]).toBe("must be an instant with a time zone (ISO 8601)");
    const backwards = historyFilterFromSearchParams(
      new URLSearchParams("from=2026-05-10T00:00:00Z&to=2026-05-09T00:00:00Z"),
    );
    expect(backwards).toEqual({
      success: false,
      fieldErrors: { to: ["must not be before `from`"] },
    });
  });
});
