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
import { type HttpHandler, type HttpTriggerDefinition } from "../functions/host";
import { LocalStackError } from "./errors";

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

/**
 * The Functions host's request body limit (100 MB), for a route that declares none. Routes declare
 * theirs (`maxBodyBytes` in functions/host/triggers.ts) and the body is refused as soon as it passes it:
 * buffering up to 100 MB before the handler refused it let 4 uploads of 95 MB take the local host
 * from 173 to 981 MiB.
 */
const hostMaxBodyBytes = 100 * 1024 * 1024;

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

/** A request body over its route's limit: answered 413, never buffered past the limit. */
export class RequestTooLargeError extends LocalStackError {
  override name = "RequestTooLargeError";
  constructor(readonly limit: number) {
    super(`request body over the limit of ${limit} bytes`);
  }
}

/** How long the rest of a refused upload is read (and discarded) before answering anyway. */
const discardGraceMs = 5_000;

/**
 * The body, up to `limit` bytes. Past it, what was kept is dropped and the rest is read and
 * discarded until the upload ends, so the client is reading when the 413 comes (answering while
 * it still sends makes Node reset the connection, and the client sees no answer). A sender that
 * does not stop within the grace period gets the 413 and a closed connection.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let refused: NodeJS.Timeout | undefined;
    const refuse = () => {
      clearTimeout(refused);
      reject(new RequestTooLargeError(limit));
    };
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
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

/** Host names that reach this server: it listens on 127.0.0.1 only. */
const loopbackHostnames = new Set(["localhost", "127.0.0.1", "[::1]"]);

export type RequestAuthority =
  { ok: true; host: string } | { ok: false; status: 400 | 421; code: string; message: string };

/**
 * The authority (host[:port]) request URLs are built from, and so `Location` and `statusUrl`. A Host
 * header is used only when it is a well-formed loopback name (any port: a forwarded port must
 * stay the one the client used); any other name is refused (421), as DNS-rebinding pages send
 * their own, and a malformed one is a 400. No Host (HTTP/1.0) means the server's own address.
 */
export function requestAuthority(header: string | undefined, ownPort: number): RequestAuthority {
  if (header === undefined || header === "") return { ok: true, host: `localhost:${ownPort}` };
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(header);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!match || (port !== undefined && port > 65_535)) {
    return {
      ok: false,
      status: 400,
      code: "invalid_request",
      message: `Host header ${JSON.stringify(header.slice(0, 300))} is not a valid host[:port]`,
    };
  }
  const hostname = (match[1] as string).toLowerCase();
  if (!loopbackHostnames.has(hostname) && !hostname.endsWith(".localhost")) {
    return {
      ok: false,
      status: 421,
      code: "misdirected_request",
      message: `Host ${hostname} is not served here: the local stack answers only loopback names (localhost, 127.0.0.1, [::1])`,
    };
  }
  return { ok: true, host: port === undefined ? hostname : `${hostname}:${port}` };
}

/**
 * The request target's path and query: origin-form as is (a leading "//" stays part of the path);
 * from absolute-form only the path and query, so the authority is always `requestAuthority`'s.
 */
function requestTarget(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  try {
    const absolute = new URL(target);
    return `${absolute.pathname}${absolute.search}`;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

/** 413 for a body over its route's limit; a connection still uploading is closed after it. */
function refuseTooLarge(incoming: IncomingMessage, outgoing: ServerResponse, limit: number): void {
  sendJson(outgoing, 413, {
    error: {
      code: "invalid_request",
      message: `body exceeds the limit of ${limit} bytes`,
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

interface RouteMatch {
  route: HttpRoute;
  params: Record<string, string>;
}

/** An answer the server gives by itself, before (or instead of) any handler. */
interface Refusal {
  status: number;
  code: string;
  message: string;
}

function sendRefusal(outgoing: ServerResponse, refusal: Refusal): void {
  sendJson(outgoing, refusal.status, { error: { code: refusal.code, message: refusal.message } });
}

/** The request's URL, from its Host header and target; or why it is refused (400, 421). */
function requestUrl(incoming: IncomingMessage, ownPort: number): URL | Refusal {
  const authority = requestAuthority(incoming.headers.host, ownPort);
  if (!authority.ok) return authority;
  const target = requestTarget(incoming.url ?? "/");
  if (target === undefined) {
    return {
      status: 400,
      code: "invalid_request",
      message: `request target ${JSON.stringify((incoming.url ?? "").slice(0, 300))} is not a path or an absolute URL`,
    };
  }
  return new URL(`http://${authority.host}${target}`);
}

/** The route answering `method` on the URL's path under the route prefix, with its parameters. */
function findRoute(options: HttpServerOptions, url: URL, method: string): RouteMatch | Refusal {
  const prefix = options.routePrefix.split("/").filter(Boolean);
  const segments = url.pathname.split("/").filter(Boolean);
  const underPrefix = prefix.every((part, i) => segments[i]?.toLowerCase() === part.toLowerCase());
  const routeSegments = underPrefix ? segments.slice(prefix.length) : [];
  const matches = underPrefix
    ? options.routes.flatMap((route) => {
        const params = matchRoute(route.trigger.route, routeSegments);
        return params ? [{ route, params }] : [];
      })
    : [];
  const match = matches.find(({ route }) =>
    (route.trigger.methods as readonly string[]).includes(method),
  );
  if (match) return match;
  // 404 as the host answers an unknown path or method (not 405: clients see the same status
  // here and in Azure); unlike the host's empty body, the JSON error says what was wrong.
  const allowed = [...new Set(matches.flatMap(({ route }) => route.trigger.methods))];
  return {
    status: 404,
    code: "not_found",
    message: allowed.length
      ? `${method} is not a method of ${url.pathname}; use ${allowed.join(" or ")}`
      : `no function answers ${url.pathname}`,
  };
}

/** The handler's request, its body read up to the route's limit; undefined once a 413 was sent. */
async function toHttpRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  match: RouteMatch,
  url: URL,
  method: string,
): Promise<HttpRequest | undefined> {
  const { trigger } = match.route;
  const routeLimit =
    trigger.bodyLimitFor?.(incoming.headers["content-type"]) ?? trigger.maxBodyBytes;
  const limit = Math.min(routeLimit, hostMaxBodyBytes);
  const declared = Number(incoming.headers["content-length"] ?? "0");
  if (declared > limit) {
    refuseTooLarge(incoming, outgoing, limit);
    return undefined;
  }
  const headers = Object.fromEntries(
    Object.entries(incoming.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
  let body: Buffer | undefined;
  try {
    body = await readBody(incoming, limit);
  } catch (error) {
    if (!(error instanceof RequestTooLargeError)) throw error;
    refuseTooLarge(incoming, outgoing, error.limit);
    return undefined;
  }
  return new HttpRequest({
    method,
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams),
    params: match.params,
    ...(body ? { body: { bytes: body } } : {}),
  });
}

/** Runs the route's handler and writes its response; returns its status, or undefined after an unhandled error (logged, bare 500). */
async function invokeHandler(
  outgoing: ServerResponse,
  route: HttpRoute,
  request: HttpRequest,
  log: LogHandler,
): Promise<number | undefined> {
  const context = new InvocationContext({
    functionName: route.functionName,
    invocationId: randomUUID(),
    logHandler: (level, ...args) => log(level, `${route.functionName}:`, ...args),
  });
  let result: HttpResponseInit | HttpResponse;
  try {
    result = await route.handler(request, context);
  } catch (error) {
    // The host answers an unhandled exception with a bare 500.
    log("error", `${route.functionName}: unhandled error:`, error);
    outgoing.writeHead(500).end();
    return undefined;
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const bytes = Buffer.from(await response.arrayBuffer());
  outgoing.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  outgoing.end(bytes);
  return response.status;
}

/** One request: URL and Host checks, route, body, handler, response, log line. */
async function serveRequest(
  options: HttpServerOptions,
  ownPort: number,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const url = requestUrl(incoming, ownPort);
  if (!(url instanceof URL)) return sendRefusal(outgoing, url);
  const method = (incoming.method ?? "GET").toUpperCase();
  const match = findRoute(options, url, method);
  if (!("route" in match)) return sendRefusal(outgoing, match);
  const request = await toHttpRequest(incoming, outgoing, match, url, method);
  if (!request) return;
  const started = Date.now();
  const status = await invokeHandler(outgoing, match.route, request, options.log);
  if (status === undefined) return;
  options.log(
    "information",
    `${method} ${url.pathname} → ${match.route.functionName} ${status} (${Date.now() - started} ms)`,
  );
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  let port = 0;
  const server: Server = createServer((incoming, outgoing) => {
    serveRequest(options, port, incoming, outgoing).catch((error: unknown) => {
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
  port = (server.address() as AddressInfo).port;
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
