// A render worker process for the fault tests: the local Functions host alone, against storage started elsewhere.
import { consoleLogHandler, startLocalFunctionsHost } from "../../../local/functionsHost";
import { readHostConfig } from "../../../settings";

/*
 * `cardpress start` runs Azurite inside the same process tree as the host, so killing it would
 * take storage down too (or orphan an Azurite on the data folder). The fault tests need the worker
 * to die while storage lives on, so this runs exactly what stack.ts runs after Azurite is up —
 * startLocalFunctionsHost with AzureWebJobsStorage from the environment — and nothing else.
 * Test-only knobs (environment):
 *   FAULTS_LEASE_MS       queue lease while a handler runs (default: the host's 60 s), so a killed
 *                         worker's messages reappear in test time;
 *   FAULTS_RETRY_DELAY_MS host.json visibilityTimeout (30 s deployed), the delay before a retry.
 */
async function run(): Promise<void> {
  const config = readHostConfig();
  const leaseMs = Number(process.env.FAULTS_LEASE_MS ?? 0);
  const retryDelayMs = process.env.FAULTS_RETRY_DELAY_MS;
  const host = await startLocalFunctionsHost({
    port: 0,
    env: process.env,
    hostConfig: {
      ...config,
      queues: {
        ...config.queues,
        ...(retryDelayMs ? { visibilityTimeoutMs: Number(retryDelayMs) } : {}),
        maxPollingIntervalMs: 200,
      },
    },
    ...(leaseMs > 0 ? { leaseMs } : {}),
    log: consoleLogHandler,
  });
  process.stdout.write(
    `${JSON.stringify({ ready: true, pid: process.pid, httpUrl: host.httpUrl })}\n`,
  );
  const stop = () => {
    host.stop(2_000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

run().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${String(error)}\n`);
  process.exit(1);
});
