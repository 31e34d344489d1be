// The committed stubs are what `pnpm proto:generate` makes of proto/ today: a .proto change without
// regenerating fails here, not in a client.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "buf-generate-"));
const stub = "packages/credits/src/grpc/generated/credits/v1/credits_pb.ts";

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the generated gRPC code", () => {
  it("matches proto/credits/v1/credits.proto", () => {
    execFileSync(
      join(root, "node_modules/.bin/buf"),
      ["generate", "--template", "buf.gen.yaml", "-o", out],
      { cwd: root, stdio: "pipe" },
    );
    expect(readFileSync(join(root, stub), "utf8")).toBe(readFileSync(join(out, stub), "utf8"));
  }, 30_000);
});
