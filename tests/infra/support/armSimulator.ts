// A local HTTP server that plays Azure Resource Manager for infra tests: scripted answers per route, a Function App's sync/listing/keys, and a record of every request.
//
// How to extend it: `simulator.route(method, path, handler)` answers any call (the handler gets the
// recorded request and how many calls that route has had); `simulator.script(method, path, answers)`
// plays fixed answers in turn, the last one repeating. `playFunctionApp` shows how a resource is
// built from routes; One Deploy (`PUT …/extensions/onedeploy`, its status poll) goes the same way.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** One answer: a status, a body (objects are sent as JSON), headers, and an optional delay. */
export interface SimulatedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow ARM). */
  delayMs?: number;
  /** Close the connection without answering (a network error for the client). */
  dropConnection?: boolean;
}

export interface RecordedArmRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** The `api-version` query parameter, if sent. */
  apiVersion: string | undefined;
  /** The `Authorization` header as sent. */
  authorization: string | undefined;
  body: string;
  /** `performance.now()` when the request arrived. */
  at: number;
}

export type RouteHandler = (
  request: RecordedArmRequest,
  call: number,
) => SimulatedAnswer | Promise<SimulatedAnswer>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: RouteHandler;
  calls: number;
}

/** ARM's answers as Azure words them (bodies from azure-functions-core-tools#1885, ARM's error format). */
export const armAnswers = {
  ok: (body: unknown = undefined): SimulatedAnswer => ({ status: 200, body }),
  /** The connection closes without an answer. */
  dropped: (): SimulatedAnswer => ({ status: 0, dropConnection: true }),
  /** What ARM relays while a fresh app's host starts or cannot reach its storage yet. */
  hostRuntime400: (): SimulatedAnswer => ({
    status: 400,
    body: {
      Code: "BadRequest",
      Message: "Encountered an error (InternalServerError) from host runtime.",
      Target: null,
      Details: [
        { Message: "Encountered an error (InternalServerError) from host runtime." },
        { Code: "BadRequest" },
        {
          ErrorEntity: {
            Code: "BadRequest",
            Message: "Encountered an error (InternalServerError) from host runtime.",
          },
        },
      ],
      Innererror: null,
    },
  }),
  /** A 400 that no wait fixes (a malformed request). */
  badRequest: (): SimulatedAnswer => ({
    status: 400,
    body: { error: { code: "InvalidRequestContent", message: "The request content was invalid." } },
  }),
  notFound: (): SimulatedAnswer => ({
    status: 404,
    body: { error: { code: "NotFound", message: "Cannot find Site with the name." } },
  }),
  conflict: (): SimulatedAnswer => ({
    status: 409,
    body: {
      error: {
        code: "Conflict",
        message: "There was a conflict. The remote server returned an error: (409) Conflict.",
      },
    },
  }),
  /** Throttled; `retryAfter` is sent as given (delta-seconds or an HTTP date). */
  throttled: (retryAfter: string): SimulatedAnswer => ({
    status: 429,
    headers: { "Retry-After": retryAfter },
    body: { error: { code: "TooManyRequests", message: "Too many requests, retry later." } },
  }),
  serverError: (status = 500): SimulatedAnswer => ({
    status,
    body: { error: { code: "InternalServerError", message: "An internal error occurred." } },
  }),
  forbidden: (action: string): SimulatedAnswer => ({
    status: 403,
    body: {
      error: {
        code: "AuthorizationFailed",
        message: `The client 'deployer@example.com' with object id '00000000-0000-4000-8000-0000000000d1' does not have authorization to perform action '${action}' over scope '/subscriptions/…' or the scope is invalid.`,
      },
    },
  }),
  unauthorized: (): SimulatedAnswer => ({
    status: 401,
    body: {
      error: {
        code: "ExpiredAuthenticationToken",
        message: "The access token expiry UTC time is earlier than current UTC time.",
      },
    },
  }),
} as const;

export interface ArmSimulator {
  /** `http://127.0.0.1:<port>`: pass as the ARM base URL. */
  readonly baseUrl: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedArmRequest[];
  /** Answers `method path` (exact path, or a pattern) with `handler`; a later route wins over an earlier one. */
  route(method: string, path: string | RegExp, handler: RouteHandler): ArmSimulator;
  /** Plays `answers` in turn for `method path`; the last one repeats. */
  script(method: string, path: string | RegExp, answers: SimulatedAnswer[]): ArmSimulator;
  /** The requests made to `method path` (exact path or pattern). */
  requestsTo(method: string, path: string | RegExp): RecordedArmRequest[];
  close(): Promise<void>;
}

function matches(route: { method: string; path: string | RegExp }, method: string, path: string) {
  if (route.method !== method) return false;
  return typeof route.path === "string" ? route.path === path : route.path.test(path);
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: http.ServerResponse, answer: SimulatedAnswer): void {
  const body =
    answer.body === undefined
      ? ""
      : typeof answer.body === "string"
        ? answer.body
        : JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...(body === "" ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    ...answer.headers,
  });
  response.end(body);
}

/**
 * Starts the simulator on 127.0.0.1 (a free port unless `port` is given). As ARM does, it refuses
 * a request without a bearer token (401), a POST or PUT without `Content-Length` (411) or one
 * without `api-version` (400); an unscripted route is a 400 naming it (a
 * permanent answer, so a test missing a route fails at once rather than retrying).
 */
export async function startArmSimulator(options: { port?: number } = {}): Promise<ArmSimulator> {
  const routes: Route[] = [];
  const requests: RecordedArmRequest[] = [];
  /** Delayed answers still waiting: `close` ends them, so no timer outlives the test. */
  const pendingDelays = new Set<() => void>();
  let closed = false;
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        pendingDelays.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      pendingDelays.add(finish);
    });
  const server = http.createServer((incoming, response) => {
    void (async () => {
      const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedArmRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        apiVersion: url.searchParams.get("api-version") ?? undefined,
        authorization: incoming.headers.authorization,
        body: await readBody(incoming),
        at: performance.now(),
      };
      requests.push(recorded);
      if (!recorded.authorization?.startsWith("Bearer ")) {
        return send(response, {
          status: 401,
          body: { error: { code: "AuthenticationFailed", message: "Authentication failed." } },
        });
      }
      if (recorded.method !== "GET" && incoming.headers["content-length"] === undefined) {
        return send(response, {
          status: 411,
          body: { error: { code: "LengthRequired", message: "Length Required" } },
        });
      }
      if (!recorded.apiVersion) {
        return send(response, {
          status: 400,
          body: {
            error: {
              code: "MissingApiVersionParameter",
              message:
                "The api-version query parameter (?api-version=) is required for all requests.",
            },
          },
        });
      }
      const route = [...routes].reverse().find((r) => matches(r, recorded.method, recorded.path));
      if (!route) {
        return send(response, {
          status: 400,
          body: `armSimulator: no route for ${recorded.method} ${recorded.path}`,
        });
      }
      route.calls += 1;
      const answer = await route.handler(recorded, route.calls);
      if (answer.delayMs) await delay(answer.delayMs);
      if (closed) return;
      if (answer.dropConnection) return void incoming.socket.destroy();
      send(response, answer);
    })().catch((error: unknown) => {
      send(response, { status: 599, body: `armSimulator failed: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const simulator: ArmSimulator = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, handler) {
      routes.push({ method, path, handler, calls: 0 });
      return simulator;
    },
    script(method, path, answers) {
      if (answers.length === 0) throw new Error("armSimulator.script needs at least one answer");
      return simulator.route(
        method,
        path,
        (_request, call) => answers[Math.min(call, answers.length) - 1] as SimulatedAnswer,
      );
    },
    requestsTo(method, path) {
      return requests.filter((request) => matches({ method, path }, request.method, request.path));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closed = true;
        for (const finish of [...pendingDelays]) finish();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return simulator;
}

export interface FunctionAppScript {
  /** ARM id of the site, e.g. `/subscriptions/…/providers/Microsoft.Web/sites/app1`. */
  siteId: string;
  /** Functions the host lists once it has loaded the package. */
  functions: number;
  /** Answers to `POST …/syncfunctiontriggers` before it succeeds (each played once). */
  syncFailures?: SimulatedAnswer[];
  /** Answers to `GET …/functions` before it lists anything (each played once). */
  listingFailures?: SimulatedAnswer[];
  /**
   * The listing lags behind the sync: the first this many successful listings show no function
   * (the host has not loaded the package yet).
   */
  listingLag?: number;
  /** Answers to `POST …/host/default/listkeys` before the keys (each played once). */
  keyFailures?: SimulatedAnswer[];
  /** Successful listkeys answers without the default key (the host has not written it yet). */
  keysLag?: number;
  /** The default function key the host reports. */
  functionKey?: string;
}

/** Routes that play one Function App: the trigger sync, its function listing and its host keys. */
export function playFunctionApp(simulator: ArmSimulator, app: FunctionAppScript): ArmSimulator {
  const successfulSyncs = { count: 0 };
  const listings = { count: 0 };
  const keyLists = { count: 0 };
  const syncFailures = app.syncFailures ?? [];
  const listingFailures = app.listingFailures ?? [];
  const keyFailures = app.keyFailures ?? [];
  simulator.route("POST", `${app.siteId}/syncfunctiontriggers`, (_request, call) => {
    const failure = syncFailures[call - 1];
    if (failure) return failure;
    successfulSyncs.count += 1;
    return { status: 200 };
  });
  simulator.route("GET", `${app.siteId}/functions`, (_request, call) => {
    const failure = listingFailures[call - 1];
    if (failure) return failure;
    listings.count += 1;
    const loaded = successfulSyncs.count > 0 && listings.count > (app.listingLag ?? 0);
    const value = Array.from({ length: loaded ? app.functions : 0 }, (_, index) => ({
      id: `${app.siteId}/functions/function${index + 1}`,
      name: `function${index + 1}`,
      type: "Microsoft.Web/sites/functions",
    }));
    return { status: 200, body: { value, nextLink: null, id: null } };
  });
  simulator.route("POST", `${app.siteId}/host/default/listkeys`, (_request, call) => {
    const failure = keyFailures[call - 1];
    if (failure) return failure;
    keyLists.count += 1;
    const written = keyLists.count > (app.keysLag ?? 0);
    return {
      status: 200,
      body: {
        masterKey: "simulated-master-key-never-logged",
        functionKeys: written ? { default: app.functionKey ?? "simulated-default-key" } : {},
        systemKeys: {},
      },
    };
  });
  return simulator;
}

/** The Function App every ARM test plays against. */
export const testSiteId =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg1/providers/Microsoft.Web/sites/cardpress-app1";

/** Short waits so a provider test takes seconds; the production policy (~10 minutes) is covered in armClient.test.ts. */
export const fastArmRetry = {
  windowMs: 5_000,
  firstDelayMs: 20,
  maxDelayMs: 80,
  attemptTimeoutMs: 2_000,
};

/** A fresh simulator for each test of the calling file, closed after it; `use` receives it. */
export function useArmSimulator(use: (simulator: ArmSimulator) => void): void {
  let current: ArmSimulator | undefined;
  beforeEach(async () => {
    current = await startArmSimulator();
    use(current);
  });
  afterEach(async () => {
    await current?.close();
  });
}
