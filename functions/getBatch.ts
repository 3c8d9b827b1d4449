// GET /api/batches/{id}: progress, per-card status and fresh read-only SAS URLs.
import { app } from "@azure/functions";
import { errorResponse } from "./host/httpErrors";
import { readSettings } from "../settings";
import { getBatchStatus, openStorage } from "../jobs";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const getBatchHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function getBatch(request, context) {
    try {
      const status = await getBatchStatus(await openStorage(appSettings), request.params.id ?? "", {
        settings: readSettings(appSettings),
        withUrls: true,
      });
      // The body holds SAS URLs: no cache may keep it.
      return { status: 200, headers: { "Cache-Control": "no-store" }, jsonBody: status };
    } catch (error) {
      return errorResponse(error, context);
    }
  };

app.http("getBatch", {
  methods: [...triggers.getBatch.methods],
  route: triggers.getBatch.route,
  authLevel: triggers.getBatch.authLevel,
  // In Azure the app settings are the environment.
  handler: getBatchHandler(process.env),
});
