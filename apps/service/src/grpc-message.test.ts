import { describe, expect, it } from "vitest";
import { encodeGrpcMessage } from "./grpc-message.ts";

describe("encodeGrpcMessage", () => {
  it("keeps printable ASCII, encodes '%' and every byte outside it", () => {
    expect(encodeGrpcMessage("credits: 1, 2; a/b?")).toBe("credits: 1, 2; a/b?");
    expect(encodeGrpcMessage("100% sure")).toBe("100%25 sure");
    expect(encodeGrpcMessage("line\nbreak é")).toBe("line%0Abreak %C3%A9");
  });
});
