// GET /api/templates: the stored templates with their current version, description and params (`?prefix=brand/` narrows it).
import { app } from "@azure/functions";
import { listTemplates, openStorage } from "../jobs";
import { errorResponse } from "./host/httpErrors";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const listTemplatesHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function listTemplatesHttp(request, context) {
    try {
      const prefix = request.query.get("prefix") ?? undefined;
      const listing = await listTemplates(await openStorage(appSettings), {
        ...(prefix ? { prefix } : {}),
      });
      if (listing.unreadable.length) {
        context.warn(
          `${listing.unreadable.length} template pointer(s) unreadable: ${listing.unreadable.map((entry) => entry.reason).join("; ")}`,
        );
      }
      return { status: 200, headers: { "Cache-Control": "no-store" }, jsonBody: listing };
    } catch (error) {
      return errorResponse(error, context);
    }
  };

app.http("listTemplates", {
  methods: [...triggers.listTemplates.methods],
  route: triggers.listTemplates.route,
  authLevel: triggers.listTemplates.authLevel,
  // In Azure the app settings are the environment.
  handler: listTemplatesHandler(process.env),
});
