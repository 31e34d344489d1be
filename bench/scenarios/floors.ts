// 0 and 0b: what the server answers when it does no credit work, the floor under every HTTP row.
import { restGet } from "../lib/requests.ts";
import { concurrency, type ScenarioContext } from "../lib/scenario.ts";

export async function measureFloors({ web, measured, timedLoad }: ScenarioContext) {
  const url = web.url;
  // What Next.js itself answers on this machine: a route that does no work at all.
  const floor = await measured({
    id: "next-floor",
    name: "0. Next.js floor (GET /health)",
    detail: `${concurrency} clients, a route handler that only answers`,
    run: () => timedLoad(url, () => ({ method: "GET", path: "/health" })),
  });
  // The same through the REST API's Pages-Router route and handler, stopping before any database
  // work: an unknown endpoint is answered 404 before the token is looked up.
  const restFloor = await measured({
    id: "rest-floor",
    name: "0b. REST API floor (an unknown endpoint)",
    detail: `${concurrency} clients, the REST route and handler answering 404, no database`,
    run: () => timedLoad(url, () => restGet("/api/credits/bench/no-such-endpoint"), [404]),
  });
  return { floor, restFloor };
}
