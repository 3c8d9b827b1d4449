// POST /api/render: one card spec in, the encoded image out, synchronously.
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import { readJsonBody } from "../jobs/httpBody";
import { errorResponse } from "../jobs/httpErrors";
import { renderSingleCard } from "../jobs/renderOne";
import { openStorage } from "../jobs/storage";
import { triggers } from "../jobs/triggers";

export async function renderCardHttp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const card = await renderSingleCard(await readJsonBody(request), () => openStorage());
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
  }
}

app.http("renderCardHttp", {
  methods: [...triggers.renderCardHttp.methods],
  route: triggers.renderCardHttp.route,
  authLevel: triggers.renderCardHttp.authLevel,
  handler: renderCardHttp,
});
