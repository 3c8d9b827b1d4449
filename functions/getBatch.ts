// GET /api/batches/{id}: progress, per-card status and fresh read-only SAS URLs.
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import { errorResponse } from "./host/httpErrors";
import { readSettings } from "../settings";
import { getBatchStatus, openStorage } from "../jobs";
import { triggers } from "./host/triggers";

export async function getBatch(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const status = await getBatchStatus(await openStorage(), request.params.id ?? "", {
      settings: readSettings(),
      withUrls: true,
    });
    // The body holds SAS URLs: no cache may keep it.
    return { status: 200, headers: { "Cache-Control": "no-store" }, jsonBody: status };
  } catch (error) {
    return errorResponse(error, context);
  }
}

app.http("getBatch", {
  methods: [...triggers.getBatch.methods],
  route: triggers.getBatch.route,
  authLevel: triggers.getBatch.authLevel,
  handler: getBatch,
});
