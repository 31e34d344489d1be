// GET /history/export — the signed-in user's filtered history as a CSV download
import { getSessionUser } from "@credits/auth/next";
import { historyCsv, historyFilterFromSearchParams } from "@credits/credits";
import { getDb } from "@credits/db";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await getSessionUser();
  if (!user)
    return Response.json(
      { error: { code: "UNAUTHORIZED", message: "Sign in to continue." } },
      { status: 401 },
    );
  // The history page writes these parameters from the filter it lists with (exact instants for its
  // local days), so the file holds exactly the entries on screen.
  const filters = historyFilterFromSearchParams(new URL(request.url).searchParams);
  if (!filters.success) {
    return Response.json(
      { error: { code: "BAD_REQUEST", message: "Invalid filters.", details: filters.fieldErrors } },
      { status: 400 },
    );
  }
  const lines = historyCsv(getDb(), user.id, filters.data);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="credits-history-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
