// Trigger definitions of every function (queue, schedule, routes, auth): read by app.* registrations and the local host.
import { isFontType } from "../../jobs";
import { limits, maxAssetBytesOf } from "../../renderer";
import { deployedHostConfig, names, pipeline } from "../../settings";

/**
 * A public path: `route` under host.json's `extensions.http.routePrefix` (settings/hostJson.ts), as
 * the host serves it. Every `route` below is relative to that prefix.
 */
function publicPath(route: string): string {
  return `/${[deployedHostConfig().routePrefix, route].filter(Boolean).join("/")}`;
}

export type HttpTriggerDefinition = {
  kind: "http";
  methods: ("GET" | "HEAD" | "POST" | "PUT")[];
  route: string;
  authLevel: "anonymous" | "function";
  /** Largest request body the handler reads; the local host refuses more while reading (413). */
  maxBodyBytes: number;
  /** Where the limit depends on the declared Content-Type: the limit for that type (≤ maxBodyBytes). */
  bodyLimitFor?: (contentType: string | undefined) => number;
};

/** An asset upload's limit: a brand font's (fonts run larger) or an image's. */
function assetBodyLimit(contentType: string | undefined): number {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  return maxAssetBytesOf(isFontType(mediaType) ? "font" : "image");
}

export const triggers = {
  renderBatch: {
    kind: "storageQueue",
    queueName: names.renderQueue,
    /** App setting holding the connection (the identity form `<name>__accountName` works too). */
    connection: names.connectionSetting,
    /**
     * The handler gets the message's bytes, not text or parsed JSON: the worker decodes them itself
     * (strict UTF-8, exact integers) and a refused message goes to the poison queue unchanged.
     */
    dataType: "binary",
  },
  pruneRenders: {
    kind: "timer",
    /** The host resolves `%NAME%` from app settings, so the schedule is the PRUNE_SCHEDULE setting. */
    schedule: "%PRUNE_SCHEDULE%",
  },
  renderCardHttp: {
    kind: "http",
    methods: ["POST"],
    route: "render",
    authLevel: "function",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
  createBatch: {
    kind: "http",
    methods: ["POST"],
    route: "batches",
    authLevel: "function",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
  getBatch: {
    kind: "http",
    methods: ["GET"],
    route: "batches/{id}",
    authLevel: "function",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
  /**
   * `{*name}` (catch-all): asset names may hold "/", e.g. PUT /api/assets/brand/logo.png. Images
   * are at most limits.maxAssetBytes; brand fonts (font/*) at most limits.template.maxFontBytes.
   */
  putAsset: {
    kind: "http",
    methods: ["PUT"],
    route: "assets/{*name}",
    authLevel: "function",
    maxBodyBytes: Math.max(limits.maxAssetBytes, limits.template.maxFontBytes),
    bodyLimitFor: assetBodyLimit,
  },
  /**
   * `{*name}` (catch-all): template names hold "/", e.g. PUT /api/templates/brand/quote. The body
   * is one template document, so its limit is a template's (limits.template.maxDocumentBytes).
   */
  putTemplate: {
    kind: "http",
    methods: ["PUT"],
    route: "templates/{*name}",
    authLevel: "function",
    maxBodyBytes: limits.template.maxDocumentBytes,
  },
  /** Function key, as every route but health: names, descriptions and params describe a customer's designs. */
  listTemplates: {
    kind: "http",
    methods: ["GET"],
    route: "templates",
    authLevel: "function",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
  /**
   * Signed card URLs, `/api/og/v1/<key id>.<signature>?<card>` or `…/<payload>` (docs/og-urls.md):
   * anonymous, because the signature is the authorization (checked before anything else). HEAD
   * answers GET's headers.
   */
  ogImage: {
    kind: "http",
    methods: ["GET", "HEAD"],
    route: "og/{*rest}",
    authLevel: "anonymous",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
  health: {
    kind: "http",
    methods: ["GET"],
    route: "health",
    authLevel: "anonymous",
    maxBodyBytes: pipeline.maxRequestBytes,
  },
} as const satisfies Record<
  string,
  | { kind: "storageQueue"; queueName: string; connection: string; dataType?: "binary" }
  | { kind: "timer"; schedule: string }
  | HttpTriggerDefinition
>;

export type FunctionName = keyof typeof triggers;

/** The public path batches are created at, `/api/batches` (createBatch.route). */
export function createBatchPath(): string {
  return publicPath(triggers.createBatch.route);
}

/** The public path of a batch's status, e.g. `/api/batches/<id>` (matches `getBatch.route`). */
export function batchStatusPath(batchId: string): string {
  return publicPath(triggers.getBatch.route.replace("{id}", encodeURIComponent(batchId)));
}
