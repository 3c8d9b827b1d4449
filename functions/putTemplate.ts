// PUT /api/templates/{name}: validates a template document and stores it as the name's current version (content-addressed, immutable).
import { app } from "@azure/functions";
import { openStorage, pushTemplate } from "../jobs";
import { limits } from "../renderer";
import { readJsonBody } from "./host/httpBody";
import { errorResponse } from "./host/httpErrors";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const putTemplateHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function putTemplate(request, context) {
    try {
      const body = await readJsonBody(request, limits.template.maxDocumentBytes);
      const pushed = await pushTemplate(await openStorage(appSettings), body, {
        name: request.params.name ?? "",
      });
      context.info(`template ${pushed.name}: ${pushed.status} (version ${pushed.hash})`);
      return {
        // 201 only when the name is new; the current version pushed again is 200 "unchanged".
        status: pushed.status === "created" ? 201 : 200,
        headers: { "Cache-Control": "no-store" },
        jsonBody: pushed,
      };
    } catch (error) {
      return errorResponse(error, context);
    }
  };

app.http("putTemplate", {
  methods: [...triggers.putTemplate.methods],
  route: triggers.putTemplate.route,
  authLevel: triggers.putTemplate.authLevel,
  // In Azure the app settings are the environment.
  handler: putTemplateHandler(process.env),
});
