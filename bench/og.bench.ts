// og:image serving through the local stack (npm start's process, Azurite): cached hits beside a static-file floor, first renders, a mixed load.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { localStackSigning } from "../cli/signingSetup";
import { blobNames } from "../jobs/layout";
import { connectStorage, type JobStorage } from "../jobs/storage";
import { renderCard } from "../renderer/render";
import { parseCardSpec } from "../renderer/spec/validate";
import { names } from "../settings";
import { signCardUrl, verifyCardUrl } from "../signing";
import { assertLoopback, killGroups, memoryOf, startStack, stopStack } from "./localStack";
import { numberOption } from "./options";
import { standardAssets, standardCard } from "./standardCard";
import { median, percentile } from "./stats";

/** The run went past its hard timeout, or the stack misbehaved: the benchmark stops. */
class OgBenchError extends Error {
  override name = "OgBenchError";
}

const option = (name: string, fallback: number) => numberOption(name, fallback, OgBenchError);

const json = process.argv.includes("--json");
/** Sequential requests per target for the latency figures (after 50 warm-up requests), the two targets alternating. */
const latencyRequests = option("latency-requests", 1000);
/** Requests per target for requests/s, `concurrency` at a time. */
const throughputRequests = option("throughput-requests", 2000);
const concurrency = option("concurrency", 16);
/** New URLs requested one after another for the first-render figure. */
const firstRenders = option("first-renders", 30);
const mixedRequests = option("mixed", 2000);
const mixedConcurrency = option("mixed-concurrency", 50);
/** The whole run stops here whatever happens. */
const timeoutS = option("timeout", 300);

const log = (line: string) => {
  if (!json) console.log(line);
};

interface Answer {
  status: number;
  ms: number;
  bytes: number;
  /** `X-Cardpress-Cache`: hit, or miss when this request rendered the image. */
  cache: string | undefined;
}

/** One GET over the keep-alive agent; the body is read to its end (a client fetching the image). */
function get(agent: http.Agent, url: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => {
        const cache = response.headers["x-cardpress-cache"];
        resolve({
          status: response.statusCode ?? 0,
          ms: performance.now() - started,
          bytes,
          cache: Array.isArray(cache) ? cache[0] : cache,
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/** `urls` fetched `inFlight` at a time, in order; failures (no answer) are answers with status 0. */
async function fetchAll(
  agent: http.Agent,
  urls: readonly string[],
  inFlight: number,
): Promise<{ answers: Answer[]; seconds: number }> {
  const answers: Answer[] = new Array<Answer>(urls.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let index = next++; index < urls.length; index = next++) {
      answers[index] = await get(agent, urls[index] as string).catch(() => ({
        status: 0,
        ms: NaN,
        bytes: 0,
        cache: undefined,
      }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, urls.length) }, worker));
  return { answers, seconds: (performance.now() - started) / 1000 };
}

interface Latency {
  p50: number;
  p99: number;
}

const latencyOfMs = (times: readonly number[]): Latency => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

const latencyOf = (answers: readonly Answer[]): Latency =>
  latencyOfMs(answers.map((answer) => answer.ms));

const failuresOf = (answers: readonly Answer[]) =>
  answers.filter((answer) => answer.status !== 200).length;

/**
 * The floor: a static file served from disk by Node's own http module in a process of its own (as
 * the stack is), with the headers a CDN-ready image answer has.
 */
async function startFloorServer(file: string): Promise<{ child: ChildProcess; url: string }> {
  const script = `
const http = require("node:http"), fs = require("node:fs");
const file = ${JSON.stringify(file)};
http.createServer((request, response) => {
  fs.stat(file, (error, stat) => {
    if (error) { response.statusCode = 500; return response.end(); }
    response.writeHead(200, {
      "content-type": "image/png",
      "content-length": stat.size,
      "cache-control": "public, max-age=31536000, immutable",
    });
    fs.createReadStream(file).pipe(response);
  });
}).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").trim()));
    child.once("exit", (code) => reject(new OgBenchError(`the floor server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/card.png` };
}

/** The standard card's render time in this process (median of 30, after 10 to warm up): the first-render yardstick. */
async function standardRenderMs(): Promise<number> {
  const spec = parseCardSpec(standardCard);
  const assets = standardAssets();
  for (let index = 0; index < 10; index++) await renderCard(spec, assets);
  const times: number[] = [];
  for (let index = 0; index < 30; index++) {
    const started = performance.now();
    await renderCard(spec, assets);
    times.push(performance.now() - started);
  }
  return median(times);
}

interface Throughput extends Latency {
  requestsPerSecond: number;
  failures: number;
}

/** Requests/s for one URL with `concurrency` in flight. */
async function measureThroughput(url: string): Promise<Throughput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    await fetchAll(agent, Array<string>(50).fill(url), concurrency);
    const loaded = await fetchAll(agent, Array<string>(throughputRequests).fill(url), concurrency);
    return {
      ...latencyOf(loaded.answers),
      requestsPerSecond: throughputRequests / loaded.seconds,
      failures: failuresOf(loaded.answers),
    };
  } finally {
    agent.destroy();
  }
}

/**
 * Sequential latency of each URL, one request at a time, the URLs taking turns request by request
 * (and swapping who goes first every round): a change in the machine's load (another process, a
 * CPU frequency step) then falls on both alike, which runs measured one after the other did not
 * ensure (the ratio swung from 1.3× to 2.4× between such runs).
 */
async function interleavedLatency(
  urls: readonly [string, string],
): Promise<{ latencies: [Latency, Latency]; failures: number }> {
  const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const answers: [Answer[], Answer[]] = [[], []];
  try {
    for (let round = 0; round < 50 + latencyRequests; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) {
        const answer = await get(agents[index] as http.Agent, urls[index] as string);
        if (round >= 50) answers[index]?.push(answer);
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return {
    latencies: [latencyOf(answers[0]), latencyOf(answers[1])],
    failures: failuresOf(answers[0]) + failuresOf(answers[1]),
  };
}

/**
 * The stored image read straight from Azurite with the Storage SDK, one request at a time: what a
 * hit costs on top when its instance does not hold the image in memory (its first hit there, then
 * one a day per image), the blob read alone.
 */
async function blobReadLatency(storage: JobStorage, blobName: string): Promise<Latency> {
  const blob = storage.og.getBlockBlobClient(blobName);
  const times: number[] = [];
  for (let index = 0; index < 50 + latencyRequests; index++) {
    const started = performance.now();
    await blob.downloadToBuffer();
    if (index >= 50) times.push(performance.now() - started);
  }
  return latencyOfMs(times);
}

/** Renders counted from the stack's log: one "rendered og <cardKey>" line per render. */
function countRenders(logLines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of logLines) {
    const key = /rendered og ([0-9a-f]{64})/.exec(line)?.[1];
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

/** The standard card with a title of its own: a card (and URL) no request has asked for yet. */
const newCard = (label: string) => ({
  ...standardCard,
  title: `${standardCard.title} (${label})`,
});

async function main(): Promise<void> {
  const started = Date.now();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "cardpress-og-bench-"));
  const stack = await startStack(stateDir);
  const renderLog: string[] = [];
  stack.child.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.includes("rendered og ")) renderLog.push(line);
    }
  });
  let floor: ChildProcess | undefined;
  const hardTimer = setTimeout(() => {
    console.error(`og bench: hard timeout of ${timeoutS} s reached; stopping the stack`);
    floor?.kill("SIGKILL");
    killGroups([stack.info.pid, stack.child.pid]);
    process.exit(2);
  }, timeoutS * 1000);
  try {
    assertLoopback(stack.info);
    const signing = await localStackSigning({ ...process.env, CARDPRESS_STATE_DIR: stateDir });
    if (!signing?.key) throw new OgBenchError("the local stack recorded no og signing key");
    const sign = (card: object) =>
      signCardUrl(card, { key: signing.key as string, baseUrl: signing.baseUrl });
    const storage = connectStorage({ connectionString: stack.info.connectionString });
    // The standard card's logo, where `cardpress enqueue` would have uploaded it.
    const [[logoName, logo]] = [...standardAssets()] as [[string, Uint8Array]];
    await storage.assets.getBlockBlobClient(logoName).uploadData(logo);
    const renderMs = await standardRenderMs();

    // (1) Cached hit, beside the floor: the same image bytes, served from disk by Node alone.
    const hitUrl = sign(standardCard);
    const first = await fetch(hitUrl);
    if (first.status !== 200) throw new OgBenchError(`GET ${hitUrl} answered ${first.status}`);
    const imageFile = path.join(stateDir, "card.png");
    const image = await first.arrayBuffer();
    writeFileSync(imageFile, Buffer.from(image));
    const floorServer = await startFloorServer(imageFile);
    floor = floorServer.child;
    const sequential = await interleavedLatency([floorServer.url, hitUrl]);
    const [floorLatency, ogLatency] = sequential.latencies;
    // Throughput alternated (floor, og, floor, og), the better run of each reported.
    const throughputs: [Throughput[], Throughput[]] = [[], []];
    for (let run = 0; run < 2; run++) {
      throughputs[0].push(await measureThroughput(floorServer.url));
      throughputs[1].push(await measureThroughput(hitUrl));
    }
    const best = (runs: Throughput[]) =>
      runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const floorRun = { latency: floorLatency, loaded: best(throughputs[0]) };
    const ogRun = { latency: ogLatency, loaded: best(throughputs[1]) };
    const hitFailures =
      sequential.failures +
      [...throughputs[0], ...throughputs[1]].reduce((sum, run) => sum + run.failures, 0);
    const describe = (name: string, run: typeof floorRun) =>
      `${name}: p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms sequential; ${run.loaded.requestsPerSecond.toFixed(0)} req/s with ${concurrency} in flight (p50 ${run.loaded.p50.toFixed(1)}, p99 ${run.loaded.p99.toFixed(1)} ms)`;
    log(
      `cached hit, ${image.byteLength} bytes (${latencyRequests} sequential requests each, the two alternating; requests/s: the better of 2 runs each):`,
    );
    log(`  ${describe("static file (node:http, floor)", floorRun)}`);
    log(`  ${describe("GET /api/og (local stack)", ogRun)}`);
    const hitRatio = ogRun.latency.p50 / floorRun.latency.p50;
    log(`  p50 ${hitRatio.toFixed(2)}× the floor (target ≤ 2×)`);
    const blobRead = await blobReadLatency(
      storage,
      blobNames.ogImage(verifyCardUrl(pathOf(hitUrl), [signing.key]).cardKey, "png"),
    );
    log(
      `  a hit not held in the instance's memory adds a blob read; alone (Storage SDK → Azurite, sequential): p50 ${blobRead.p50.toFixed(2)} ms, p99 ${blobRead.p99.toFixed(2)} ms`,
    );

    // (2) First render: new URLs one after another.
    const agent = new http.Agent({ keepAlive: true, maxSockets: mixedConcurrency });
    const newUrls = Array.from({ length: firstRenders }, (_, index) =>
      sign(newCard(`first ${index}`)),
    );
    const firsts = await fetchAll(agent, newUrls, 1);
    const firstP50 = latencyOf(firsts.answers).p50;
    const notRendered = firsts.answers.filter((answer) => answer.cache !== "miss").length;
    log(
      `first render: p50 ${firstP50.toFixed(1)} ms over ${firstRenders} new URLs; the standard card renders in ${renderMs.toFixed(1)} ms here (target ≤ ${(renderMs + 30).toFixed(1)} ms)`,
    );

    // (3) Mixed: 80 % hits on URLs already rendered, 20 % new URLs, each new URL asked twice
    // five requests apart, so that both are in flight together (a render-once check).
    const rendered = [hitUrl, ...newUrls];
    const mixedNew: string[] = [];
    const mixed = Array.from({ length: mixedRequests }, (_, index) => {
      if (index % 5 !== 0) return rendered[index % rendered.length] as string;
      const card = Math.floor(index / 10);
      if (index % 10 === 0) mixedNew.push(sign(newCard(`mixed ${card}`)));
      return mixedNew[card] as string;
    });
    const before = memoryOf(stack.info.pid, stack.logTail);
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, memoryOf(stack.info.pid, stack.logTail).rss);
    }, 100);
    const rendersBefore = [...countRenders(renderLog).values()].reduce((a, b) => a + b, 0);
    const load = await fetchAll(agent, mixed, mixedConcurrency);
    clearInterval(sampler);
    agent.destroy();
    const after = memoryOf(stack.info.pid, stack.logTail);
    const mixedErrors = failuresOf(load.answers);
    const renders = countRenders(renderLog);
    const mixedRenders = [...renders.values()].reduce((a, b) => a + b, 0) - rendersBefore;
    const duplicates = [...renders.values()].reduce((sum, count) => sum + count - 1, 0);
    const misses = load.answers.filter((answer) => answer.cache === "miss").length;
    let blobs = 0;
    for await (const blob of storage.og.listBlobsFlat())
      if (!blob.name.startsWith(blobNames.ogLocksPrefix)) blobs++;
    const distinctUrls = 1 + newUrls.length + mixedNew.length;
    const mixedLatency = latencyOf(load.answers);
    log(
      `mixed: ${mixedRequests} requests (${mixedNew.length} new URLs asked twice each), ${mixedConcurrency} in flight, ${load.seconds.toFixed(1)} s (${(mixedRequests / load.seconds).toFixed(0)} req/s, p50 ${mixedLatency.p50.toFixed(1)} ms, p99 ${mixedLatency.p99.toFixed(1)} ms)`,
    );
    log(
      `  errors ${mixedErrors}; renders ${mixedRenders} for ${mixedNew.length} new URLs (${misses} answers said miss); duplicate renders over the whole run ${duplicates}; ${blobs} images in container "${names.containers.og}" for ${distinctUrls} distinct URLs`,
    );
    log(
      `  stack RSS ${before.rss.toFixed(0)} MiB before, peak ${peakRss.toFixed(0)} MiB, ${after.rss.toFixed(0)} MiB after; high-water since start ${after.hwm.toFixed(0)} MiB`,
    );
    const problems = [
      ...(hitFailures ? [`${hitFailures} cached-hit requests failed`] : []),
      ...(notRendered ? [`${notRendered} new URLs did not render on their first request`] : []),
      ...(mixedErrors ? [`${mixedErrors} mixed-load requests failed`] : []),
      ...(duplicates ? [`${duplicates} duplicate renders`] : []),
      ...(blobs !== distinctUrls ? [`${blobs} images for ${distinctUrls} URLs`] : []),
      ...(stack.errors.length ? [`stack log errors: ${stack.errors.slice(0, 3).join(" | ")}`] : []),
    ];
    const result = {
      cachedHit: {
        imageBytes: image.byteLength,
        floor: floorRun,
        og: ogRun,
        p50RatioToFloor: hitRatio,
        blobRead,
      },
      firstRender: { p50Ms: firstP50, urls: firstRenders, standardRenderMs: renderMs },
      mixed: {
        requests: mixedRequests,
        concurrency: mixedConcurrency,
        newUrls: mixedNew.length,
        seconds: load.seconds,
        latency: mixedLatency,
        errors: mixedErrors,
        renders: mixedRenders,
        duplicateRenders: duplicates,
        imagesStored: blobs,
        distinctUrls,
        rssMiB: { before: before.rss, peak: peakRss, after: after.rss, highWater: after.hwm },
      },
      seconds: (Date.now() - started) / 1000,
      problems,
    };
    if (json) console.log(JSON.stringify(result, null, 2));
    else
      log(
        problems.length
          ? `PROBLEMS: ${problems.join("; ")}`
          : `no problems; ${result.seconds.toFixed(0)} s`,
      );
    if (problems.length) process.exitCode = 1;
  } finally {
    clearTimeout(hardTimer);
    floor?.kill();
    await stopStack(stack);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
