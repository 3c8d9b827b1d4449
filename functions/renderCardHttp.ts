// POST /api/render: one card spec in, the encoded image out, synchronously; beyond the instance's limit, 429.
import { app, type HttpResponseInit } from "@azure/functions";
import { readJsonBody } from "./host/httpBody";
import { errorResponse, type ErrorBody } from "./host/httpErrors";
import { AdmissionLimit, openStorage, sharedRenderGate } from "../jobs";
import { renderSingleCard } from "./host/renderOne";
import { pipeline, readSettings } from "../settings";
import { createBatchPath, triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

/** Synchronous renders this instance holds (reading, waiting for memory, rendering). */
const admitted = new AdmissionLimit();

/** 429 before the body is parsed: a busy instance spends nothing on a request it cannot serve. */
function busy(limit: number): HttpResponseInit {
  const body: ErrorBody = {
    error: {
      code: "too_many_requests",
      message: `this instance already holds ${limit} synchronous renders (RENDER_HTTP_MAX_PENDING); retry after ${pipeline.renderRetryAfterSeconds} s, or send many cards at once to POST ${createBatchPath()}`,
    },
  };
  return {
    status: 429,
    headers: {
      "Retry-After": String(pipeline.renderRetryAfterSeconds),
      "Cache-Control": "no-store",
    },
    jsonBody: body,
  };
}

export const renderCardHttpHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function renderCardHttp(request, context) {
    let release: (() => void) | undefined;
    try {
      const settings = readSettings(appSettings);
      release = admitted.tryEnter(settings.RENDER_HTTP_MAX_PENDING);
      if (!release) {
        context.warn(`answering 429: ${admitted.held} synchronous renders held`);
        return busy(settings.RENDER_HTTP_MAX_PENDING);
      }
      const card = await renderSingleCard(
        await readJsonBody(request),
        () => openStorage(appSettings),
        sharedRenderGate(settings),
      );
      context.info(
        `rendered ${card.width}×${card.height} ${card.format} (${card.bytes.length} bytes)`,
      );
      return {
        status: 200,
        body: card.bytes,
        headers: {
          "Content-Type": card.contentType,
          "Cache-Control": "no-store",
          // Header values must be ASCII; warnings may quote any character, so they are URI-encoded.
          ...(card.warnings.length
            ? { "X-Cardpress-Warnings": encodeURIComponent(JSON.stringify(card.warnings)) }
            : {}),
        },
      };
    } catch (error) {
      return errorResponse(error, context);
    } finally {
      release?.();
    }
  };

app.http("renderCardHttp", {
  methods: [...triggers.renderCardHttp.methods],
  route: triggers.renderCardHttp.route,
  authLevel: triggers.renderCardHttp.authLevel,
  // In Azure the app settings are the environment.
  handler: renderCardHttpHandler(process.env),
});
