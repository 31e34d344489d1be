import { expect, test } from "@playwright/test";
import { signUp, withUser } from "./helpers.ts";

test("[WEB][TOKENS] a token revoked through tRPC is refused at once by the REST API of the same process", async ({
  page,
}) => {
  // An operator of its own: the role is read from the user row on every request.
  const operator = await signUp(page, "Token Operator");
  await withUser(operator.email, (db, userId) =>
    db.user.update({ where: { id: userId }, data: { role: "ADMIN" } }),
  );
  const trpc = async (procedure: string, input: unknown) => {
    const response = await page.request.post(`/api/trpc/${procedure}`, { data: { json: input } });
    expect(response.status(), procedure).toBe(200);
    return (await response.json()).result.data.json;
  };
  const created = await trpc("admin.tokens.create", { name: "revoked at once", scopes: ["read"] });
  const balance = () =>
    page.request.get("/api/credits/someone/balance", {
      headers: { authorization: `Bearer ${created.token}` },
    });
  // Verified once, so this process has the token in its cache.
  expect((await balance()).status()).toBe(200);
  // The tRPC route (App Router) revokes; the REST API (Pages Router) is another bundle of the
  // same process, and must not trust the token from a cache of its own.
  await trpc("admin.tokens.revoke", { tokenId: created.id });
  expect((await balance()).status()).toBe(401);
});
