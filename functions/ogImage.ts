// GET|HEAD /api/og/… (anonymous: the signature is the authorization): a signed card's image, from storage or rendered once and stored.
import { app, type HttpResponseInit } from "@azure/functions";
import { errorResponse } from "./host/httpErrors";
import { matchesIfNoneMatch } from "./host/httpConditional";
import {
  type CardRenderer,
  createOgImages,
  type OgImage,
  type OgRenderContext,
  openStorage,
  sharedRenderGate,
} from "../jobs";
import { pipeline, readOgKeys, readSettings } from "../settings";
import { createCardUrlVerifier } from "../signing";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export interface OgImageHandlerOptions {
  /** Renders a card (default: the renderer); tests pass a wrapper that counts renders. */
  render?: CardRenderer;
  /** Bytes of images this instance keeps in memory (default pipeline.ogMemoryBytes; 0: none). */
  memoryBytes?: number;
}

/** A strong ETag from the bytes' SHA-256: equal bytes, equal tag, on every instance and after a re-render. */
const etagOf = (image: Pick<OgImage, "sha256">) => `"${image.sha256}"`;

function cacheHeaders(image: OgImage): Record<string, string> {
  return { ETag: etagOf(image), "Cache-Control": pipeline.outputCacheControl };
}

function imageResponse(image: OgImage, head: boolean): HttpResponseInit {
  return {
    status: 200,
    headers: {
      "Content-Type": image.contentType,
      "Content-Length": String(image.contentLength),
      ...cacheHeaders(image),
      "X-Content-Type-Options": "nosniff",
      // Whether this request rendered the image: for debugging a CDN or a crawler's fetch.
      "X-Cardpress-Cache": image.source === "rendered" ? "miss" : "hit",
    },
    ...(head || !image.body ? {} : { body: image.body }),
  };
}

/**
 * The factory holds this instance's in-process state (one render per card key at a time), so two
 * factories behave as two instances; `process.env` in Azure, the local host's env locally.
 */
export const ogImageHandler = (
  appSettings: AppSettings,
  options: OgImageHandlerOptions = {},
): HttpInitHandler => {
  const images = createOgImages({
    ...(options.render ? { render: options.render } : {}),
    ...(options.memoryBytes === undefined ? {} : { memoryBytes: options.memoryBytes }),
  });
  // Remembers the cards of URLs it verified: a hit's signature is still checked every time.
  const verifyCardUrl = createCardUrlVerifier();
  return async function ogImage(request, context) {
    try {
      const url = new URL(request.url);
      // First, and before storage: a URL without a valid signature costs one HMAC, nothing more.
      const verified = verifyCardUrl(`${url.pathname}${url.search}`, readOgKeys(appSettings));
      // Settings, storage and the gate only when this instance's memory cannot answer (a hit can).
      let renderContext: Promise<OgRenderContext> | undefined;
      const contextOf = () =>
        (renderContext ??= (async () => {
          const settings = readSettings(appSettings);
          return {
            storage: await openStorage(appSettings),
            settings,
            gate: sharedRenderGate(settings),
          };
        })());
      const head = request.method === "HEAD";
      const ifNoneMatch = request.headers.get("if-none-match");
      // A conditional or HEAD request reads the properties first: a match costs no body.
      let image = await images.get(verified, head || ifNoneMatch ? "none" : "stream", contextOf);
      if (matchesIfNoneMatch(ifNoneMatch, etagOf(image))) {
        return { status: 304, headers: cacheHeaders(image) };
      }
      if (!head && !image.body) image = await images.get(verified, "stream", contextOf);
      // Once per render: requests that joined another's render in this process are not counted.
      if (image.source === "rendered" && !image.joined) {
        context.info(
          `rendered og ${verified.cardKey}: ${image.contentType}, ${image.contentLength} bytes`,
        );
      }
      return imageResponse(image, head);
    } catch (error) {
      return errorResponse(error, context);
    }
  };
};

app.http("ogImage", {
  methods: [...triggers.ogImage.methods],
  route: triggers.ogImage.route,
  authLevel: triggers.ogImage.authLevel,
  // In Azure the app settings are the environment.
  handler: ogImageHandler(process.env),
});
