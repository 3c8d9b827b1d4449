// Serves HTTP-triggered handlers on http://localhost:<port>/<routePrefix>/<route>, as `func start` does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpResponseInit,
  type LogHandler,
} from "@azure/functions";
import type { HttpTriggerDefinition } from "../../jobs/triggers";

export type HttpHandler = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit | HttpResponse>;

export interface HttpRoute {
  functionName: string;
  trigger: HttpTriggerDefinition;
  handler: HttpHandler;
}

export interface HttpServerOptions {
  routes: HttpRoute[];
  routePrefix: string;
  port: number;
  log: LogHandler;
}

/** The host's request body limit (100 MB); the handlers apply their own, smaller ones. */
const maxBodyBytes = 100 * 1024 * 1024;

/**
 * Matches `batches/{id}` (and `{id?}`, and a last `{*rest}` that takes the remaining segments,
 * joined by "/") against a path's segments; returns the route parameters.
 */
export function matchRoute(
  template: string,
  segments: string[],
): Record<string, string> | undefined {
  const parts = template.split("/").filter(Boolean);
  const catchAll = /^\{\*(\w+)\}$/.exec(parts.at(-1) ?? "");
  if (segments.length > parts.length && !catchAll) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index];
    if (catchAll && index === parts.length - 1) {
      if (segment === undefined) return undefined;
      try {
        params[catchAll[1] as string] = segments.slice(index).map(decodeURIComponent).join("/");
      } catch {
        return undefined; // malformed %-escape: no route matches it
      }
      break;
    }
    const parameter = /^\{(\w+)(\?)?\}$/.exec(part);
    if (parameter) {
      if (segment === undefined) {
        if (parameter[2]) continue;
        return undefined;
      }
      try {
        params[parameter[1] as string] = decodeURIComponent(segment);
      } catch {
        return undefined; // malformed %-escape: no route matches it
      }
    } else if (segment?.toLowerCase() !== part.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

/** A request body over the host's limit: answered 413, never buffered past the limit. */
export class RequestTooLargeError extends Error {
  override name = "RequestTooLargeError";
  constructor(readonly limit: number) {
    super(`request body over the host's limit of ${limit} bytes`);
  }
}

/** How long the rest of a refused upload is read (and discarded) before answering anyway. */
const discardGraceMs = 5_000;

/**
 * The body, up to the host's limit. Past it, what was kept is dropped and the rest is read and
 * discarded until the upload ends, so the client is reading when the 413 comes (answering while
 * it still sends makes Node reset the connection, and the client sees no answer). A sender that
 * does not stop within the grace period gets the 413 and a closed connection.
 */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let refused: NodeJS.Timeout | undefined;
    const refuse = () => {
      clearTimeout(refused);
      reject(new RequestTooLargeError(maxBodyBytes));
    };
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
      else if (!refused) {
        chunks = [];
        refused = setTimeout(refuse, discardGraceMs);
      }
    });
    request.on("end", () => {
      if (refused) refuse();
      else resolve(chunks.length ? Buffer.concat(chunks) : undefined);
    });
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

/** 413 for a body over the host's limit; a connection still uploading is closed after it. */
function refuseTooLarge(incoming: IncomingMessage, outgoing: ServerResponse, limit: number): void {
  sendJson(outgoing, 413, {
    error: {
      code: "invalid_request",
      message: `request body exceeds the host's limit of ${limit} bytes`,
    },
  });
  outgoing.on("finish", () => {
    if (!incoming.complete) incoming.socket.destroy();
  });
}

export interface RunningHttpServer {
  /** e.g. http://localhost:7071 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const prefix = options.routePrefix.split("/").filter(Boolean);

  const serve = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "localhost"}`);
    const segments = url.pathname.split("/").filter(Boolean);
    const underPrefix = prefix.every(
      (part, i) => segments[i]?.toLowerCase() === part.toLowerCase(),
    );
    const routeSegments = underPrefix ? segments.slice(prefix.length) : [];
    const matches = underPrefix
      ? options.routes.flatMap((route) => {
          const params = matchRoute(route.trigger.route, routeSegments);
          return params ? [{ route, params }] : [];
        })
      : [];
    const method = (incoming.method ?? "GET").toUpperCase();
    const match = matches.find(({ route }) =>
      (route.trigger.methods as readonly string[]).includes(method),
    );
    if (!match) {
      // 404 as the host answers an unknown path or method (not 405: clients see the same status
      // here and in Azure); unlike the host's empty body, the JSON error says what was wrong.
      const allowed = [...new Set(matches.flatMap(({ route }) => route.trigger.methods))];
      sendJson(outgoing, 404, {
        error: {
          code: "not_found",
          message: allowed.length
            ? `${method} is not a method of ${url.pathname}; use ${allowed.join(" or ")}`
            : `no function answers ${url.pathname}`,
        },
      });
      return;
    }
    const declared = Number(incoming.headers["content-length"] ?? "0");
    if (declared > maxBodyBytes) {
      refuseTooLarge(incoming, outgoing, maxBodyBytes);
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : (value ?? ""),
      ]),
    );
    let body: Buffer | undefined;
    try {
      body = await readBody(incoming);
    } catch (error) {
      if (!(error instanceof RequestTooLargeError)) throw error;
      refuseTooLarge(incoming, outgoing, error.limit);
      return;
    }
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers,
      query: Object.fromEntries(url.searchParams),
      params: match.params,
      ...(body ? { body: { bytes: body } } : {}),
    });
    const context = new InvocationContext({
      functionName: match.route.functionName,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => options.log(level, `${match.route.functionName}:`, ...args),
    });
    const started = Date.now();
    let result: HttpResponseInit | HttpResponse;
    try {
      result = await match.route.handler(request, context);
    } catch (error) {
      // The host answers an unhandled exception with a bare 500.
      options.log("error", `${match.route.functionName}: unhandled error:`, error);
      outgoing.writeHead(500).end();
      return;
    }
    const response = result instanceof HttpResponse ? result : new HttpResponse(result);
    const bytes = Buffer.from(await response.arrayBuffer());
    outgoing.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    outgoing.end(bytes);
    options.log(
      "information",
      `${method} ${url.pathname} → ${match.route.functionName} ${response.status} (${Date.now() - started} ms)`,
    );
  };

  const server: Server = createServer((incoming, outgoing) => {
    serve(incoming, outgoing).catch((error: unknown) => {
      options.log("error", "http: request failed:", error);
      if (!outgoing.headersSent)
        sendJson(outgoing, 500, { error: { code: "internal", message: "internal error" } });
      else outgoing.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Loopback only: function keys are not checked locally (as with `func start`).
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
