// POST /api/batches: validates a batch file, queues its chunks, answers 202 with the batch id and status URL.
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import { enqueueBatch } from "../jobs/enqueue";
import { readJsonBody } from "../jobs/httpBody";
import { errorResponse } from "../jobs/httpErrors";
import { readSettings } from "../jobs/settings";
import { openStorage } from "../jobs/storage";
import { batchStatusPath, triggers } from "../jobs/triggers";

export async function createBatch(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const body = await readJsonBody(request);
    const batch = await enqueueBatch(await openStorage(), body, { settings: readSettings() });
    const statusUrl = new URL(batchStatusPath(batch.batchId), request.url).toString();
    context.info(
      `batch ${batch.batchId}: ${batch.accepted}/${batch.total} cards queued in ${batch.chunkCount} chunks (${batch.claimChecks} claim checks), ${batch.rejected.length} rejected`,
    );
    return {
      status: 202,
      headers: { Location: statusUrl, "Cache-Control": "no-store" },
      jsonBody: { ...batch, statusUrl },
    };
  } catch (error) {
    return errorResponse(error, context);
  }
}

app.http("createBatch", {
  methods: [...triggers.createBatch.methods],
  route: triggers.createBatch.route,
  authLevel: triggers.createBatch.authLevel,
  handler: createBatch,
});
