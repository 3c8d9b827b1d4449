// Memory gate and admission: renders hold at most the budget's estimated bytes at once; a busy instance answers 429 with Retry-After.
import { request as httpRequest } from "node:http";
import { enqueueBatch } from "../../jobs/enqueue";
import type { ErrorBody } from "../../functions/host/httpErrors";
import { RenderGate, renderCost, sharedRenderGate } from "../../jobs/renderGate";
import { renderSingleCard } from "../../functions/host/renderOne";
import { readSettings } from "../../settings";
import { getBatchStatus } from "../../jobs/status";
import { connectStorage } from "../../jobs/storage";
import { parseCardSpec } from "../../renderer/spec/validate";
import { eventually, useLocalStack } from "../local/support/localStack";

const MiB = 1024 * 1024;
/** The smallest budget allowed: cards of a few megapixels then weigh more than all of it. */
const budgetMb = 64;
/** Synchronous renders one instance holds before answering 429. */
const limit = 2;
/** The app settings of this file's stack and of the checks that read them. */
const appSettings = {
  RENDER_MEMORY_BUDGET_MB: String(budgetMb),
  RENDER_HTTP_MAX_PENDING: String(limit),
};

const fixture = useLocalStack({ env: appSettings });

/** 2048×1536 PNG: 8 MiB + 3.1 MP × 24 B ≈ 80 MiB estimated, over the 64 MiB budget. */
const heavy = { title: "Heavy", size: { width: 2048, height: 1536 }, format: "png" } as const;
/** 300×150 PNG: ≈ 9 MiB, so several fit in the budget at once. */
const light = { title: "Light", size: { width: 300, height: 150 }, format: "png" } as const;

describe("RenderGate (weighted by estimated bytes)", () => {
  // The gate gives the event loop a turn (setImmediate) before a render starts, queued a microtask
  // after run() returns: two turns here see every render the gate has started.
  const afterGateTurn = async () => {
    await new Promise(setImmediate);
    await new Promise(setImmediate);
  };
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    return { promise, resolve };
  };

  test("weights in flight never pass the budget; a release starts the waiters that now fit", async () => {
    const gate = new RenderGate(100);
    const holds = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = [40, 40, 40, 20].map((weight, index) =>
      gate.run(weight, async () => {
        started.push(index);
        await holds[index]?.promise;
      }),
    );
    await afterGateTurn();
    expect(started).toEqual([0, 1]);
    expect(gate.snapshot()).toMatchObject({ inFlightBytes: 80, running: 2, waiting: 2 });
    holds[0]?.resolve();
    await runs[0];
    await new Promise(setImmediate);
    // 40 + 40 + 20 = 100 fits exactly once the first is done.
    expect(started).toEqual([0, 1, 2, 3]);
    for (const hold of holds) hold.resolve();
    await Promise.all(runs);
    expect(gate.snapshot()).toMatchObject({
      inFlightBytes: 0,
      running: 0,
      waiting: 0,
      peakInFlightBytes: 100,
      peakRunning: 3,
    });
  });

  test("first come, first served: a heavy waiter is not overtaken by light ones", async () => {
    const gate = new RenderGate(100);
    const first = deferred();
    const order: string[] = [];
    const runs = [
      gate.run(60, async () => {
        order.push("a");
        await first.promise;
      }),
      gate.run(60, async () => void order.push("heavy")),
      gate.run(10, async () => void order.push("light")),
    ];
    await afterGateTurn();
    expect(order).toEqual(["a"]);
    first.resolve();
    await Promise.all(runs);
    expect(order).toEqual(["a", "heavy", "light"]);
  });

  test("a card heavier than the whole budget runs alone, and does run", async () => {
    const gate = new RenderGate(100);
    const hold = deferred();
    const order: string[] = [];
    const small = gate.run(10, async () => {
      order.push("small");
      await hold.promise;
    });
    const huge = gate.run(1_000, async () => void order.push("huge"));
    await afterGateTurn();
    expect(order).toEqual(["small"]);
    hold.resolve();
    await Promise.all([small, huge]);
    expect(order).toEqual(["small", "huge"]);
    expect(gate.snapshot().peakInFlightBytes).toBe(100);
  });

  test("a failed render releases its weight", async () => {
    const gate = new RenderGate(100);
    await expect(
      gate.run(100, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(gate.snapshot()).toMatchObject({ inFlightBytes: 0, running: 0 });
    await expect(gate.run(100, async () => "next")).resolves.toBe("next");
  });

  test("the estimate grows with output pixels (scale included) and the format's encoder", () => {
    const og = renderCost(parseCardSpec({ title: "x" }));
    expect(renderCost(parseCardSpec({ title: "x", scale: 2 }))).toBeGreaterThan(3 * og);
    expect(renderCost(parseCardSpec({ title: "x", format: "avif" }))).toBeGreaterThan(og);
    // The largest output (4096², 16.8 MP) is estimated near its measured 390 MiB as PNG.
    const largest = renderCost(parseCardSpec({ title: "x", size: { width: 4096, height: 4096 } }));
    expect(largest / MiB).toBeGreaterThan(350);
    expect(largest / MiB).toBeLessThan(450);
  });
});

describe("every render of the process goes through one gate", () => {
  test("concurrent heavy cards (queue chunks and POST /api/render together) render one at a time", async () => {
    const gate = sharedRenderGate(readSettings(appSettings));
    expect(gate.snapshot().budgetBytes).toBe(budgetMb * MiB);
    expect(renderCost(parseCardSpec(heavy))).toBeGreaterThan(budgetMb * MiB);
    gate.resetPeaks();

    const storage = connectStorage({ connectionString: fixture().stack.connectionString });
    const settings = readSettings(appSettings);
    // Two chunk messages of 3 heavy cards: the local host runs both messages at once, 2 cards each.
    const batches = await Promise.all(
      [0, 1].map((batch) =>
        enqueueBatch(
          storage,
          { items: [0, 1, 2].map((index) => ({ id: `heavy-${batch}-${index}`, ...heavy })) },
          { settings },
        ),
      ),
    );
    const direct = await Promise.all(
      [0, 1, 2].map(() => renderSingleCard(heavy, () => Promise.resolve(storage))),
    );
    expect(direct.map((card) => [card.width, card.height])).toEqual([
      [2048, 1536],
      [2048, 1536],
      [2048, 1536],
    ]);
    for (const batch of batches) {
      await eventually(async () => {
        const status = await getBatchStatus(storage, batch.batchId, { settings });
        return status.state === "succeeded" ? status : undefined;
      });
    }
    const snapshot = gate.snapshot();
    expect(snapshot.peakRunning).toBe(1);
    expect(snapshot.peakInFlightBytes).toBeLessThanOrEqual(budgetMb * MiB);
    expect(snapshot).toMatchObject({ running: 0, waiting: 0, inFlightBytes: 0 });
  }, 120_000);

  test("light cards still render several at a time under the same budget", async () => {
    const gate = sharedRenderGate(readSettings(appSettings));
    gate.resetPeaks();
    await Promise.all(
      Array.from({ length: 6 }, () =>
        renderSingleCard(light, () => Promise.reject(new Error("no storage needed"))),
      ),
    );
    expect(gate.snapshot().peakRunning).toBeGreaterThan(1);
    expect(gate.snapshot().peakInFlightBytes).toBeLessThanOrEqual(budgetMb * MiB);
  });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function post(path: string, body: string): Promise<Answer> {
  const url = new URL(fixture().stack.httpUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: Number(url.port),
        path,
        method: "POST",
        headers: { "content-type": "application/json" },
        agent: false,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("admission control on POST /api/render", () => {
  test("beyond the per-instance limit of held renders: 429 with Retry-After and a JSON error", async () => {
    const gate = sharedRenderGate(readSettings(appSettings));
    // Hold the whole budget, so admitted renders wait in the gate and stay held.
    let unblock!: () => void;
    const blocker = gate.run(
      gate.snapshot().budgetBytes,
      () => new Promise<void>((resolve) => (unblock = resolve)),
    );
    const answers = Array.from({ length: 5 }, () => post("/api/render", JSON.stringify(light)));
    // The three beyond the limit are answered while the first two still wait.
    const settled: Answer[] = [];
    for (const answer of answers) void answer.then((value) => settled.push(value));
    await eventually(async () => (settled.length === 5 - limit ? true : undefined), 30_000);
    expect(gate.snapshot().waiting).toBe(limit);
    for (const busy of settled) {
      expect(busy.status).toBe(429);
      expect(busy.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
      expect(busy.headers["content-type"]).toMatch(/^application\/json/);
      const body = JSON.parse(busy.text) as ErrorBody;
      expect(body.error.code).toBe("too_many_requests");
      expect(body.error.message).toContain("RENDER_HTTP_MAX_PENDING");
    }
    // Health stays answered while the renders are held.
    const health = await fetch(`${fixture().stack.httpUrl}/health`);
    expect(health.status).toBe(200);

    unblock();
    await blocker;
    const all = await Promise.all(answers);
    expect(all.map((answer) => answer.status).sort()).toEqual([200, 200, 429, 429, 429]);
    // Once they are done the instance admits again.
    expect((await post("/api/render", JSON.stringify(light))).status).toBe(200);
    expect(fixture().logs.filter((line) => line.startsWith("error"))).toEqual([]);
  });
});
