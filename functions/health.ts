// GET /api/health (anonymous): whether blob and queue storage answer, and how long the event loop was blocked lately.
import { app } from "@azure/functions";
import { checkStorageHealth, describeStorageError, eventLoopDelay, openStorage } from "../jobs";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const healthHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function health(_request, context) {
    let report;
    try {
      report = await checkStorageHealth(await openStorage(appSettings));
    } catch (error) {
      report = { healthy: false, error: describeStorageError(error) };
    }
    if (!report.healthy) context.warn("storage unhealthy", report);
    return {
      status: report.healthy ? 200 : 503,
      headers: { "Cache-Control": "no-store" },
      jsonBody: {
        status: report.healthy ? "ok" : "unavailable",
        storage: report,
        eventLoop: eventLoopDelay(),
      },
    };
  };

// Monitoring starts with the app, so the first probe already covers the time before it.
eventLoopDelay();

app.http("health", {
  methods: [...triggers.health.methods],
  route: triggers.health.route,
  authLevel: triggers.health.authLevel,
  // In Azure the app settings are the environment.
  handler: healthHandler(process.env),
});
