// POST /api/batches: validates a batch file, queues its chunks, answers 202 with the batch id and status URL; honours Idempotency-Key.
import { app } from "@azure/functions";
import { enqueueBatch, idempotencyKeyHeader, openStorage } from "../jobs";
import { readJsonBody } from "./host/httpBody";
import { errorResponse } from "./host/httpErrors";
import { readSettings } from "../settings";
import { batchStatusPath, triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const createBatchHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function createBatch(request, context) {
    try {
      const body = await readJsonBody(request);
      // A retry with the same key (after a timeout or a 503) answers the batch the first one created.
      const idempotencyKey = request.headers.get(idempotencyKeyHeader) ?? undefined;
      const { replayed, ...batch } = await enqueueBatch(await openStorage(appSettings), body, {
        settings: readSettings(appSettings),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      });
      const statusUrl = new URL(batchStatusPath(batch.batchId), request.url).toString();
      context.info(
        replayed
          ? `batch ${batch.batchId}: replayed for a repeated ${idempotencyKeyHeader}, nothing queued`
          : `batch ${batch.batchId}: ${batch.accepted}/${batch.total} cards queued in ${batch.chunkCount} chunks (${batch.claimChecks} claim checks), ${batch.rejected.length} rejected`,
      );
      return {
        status: 202,
        headers: {
          Location: statusUrl,
          "Cache-Control": "no-store",
          ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
        },
        jsonBody: { ...batch, statusUrl },
      };
    } catch (error) {
      return errorResponse(error, context);
    }
  };

app.http("createBatch", {
  methods: [...triggers.createBatch.methods],
  route: triggers.createBatch.route,
  authLevel: triggers.createBatch.authLevel,
  // In Azure the app settings are the environment.
  handler: createBatchHandler(process.env),
});
