// `cardpress smoke`: checks a deployment (or the local stack) end to end, one bounded check after another, one line each with what to do on failure.
import { smokeExitCode } from "../exitCodes";
import { note, printJson } from "../output";
import { type CheckName, type SmokeCheck, smokeChecks, type SmokeState } from "./smokeChecks";
import { AnswerTooLargeError, type CheckOutcome } from "./smokeHttp";
import { resolveSmokeTarget, type SmokeFlags, type SmokeTarget } from "./smokeTarget";

export interface CheckResult {
  name: CheckName;
  title: string;
  status: CheckOutcome["status"];
  durationMs: number;
  boundMs: number;
  detail: string;
  /** What to do, on failure. */
  fix?: string;
}

export interface SmokeReport {
  apiUrl: string;
  source: string;
  ok: boolean;
  durationMs: number;
  /** The batch the batch check created, when it got that far. */
  batchId?: string;
  checks: CheckResult[];
}

/** Runs one check within its bound: past it the check is aborted and fails with its timeout fix. */
async function runCheck(check: SmokeCheck, state: SmokeState): Promise<CheckOutcome> {
  if (check.usesApi && state.apiBlocked) {
    return { status: "skipped", detail: `the API is unusable (${state.apiBlocked})` };
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        status: "failed",
        detail: `no result within ${check.boundMs / 1000} s`,
        fix: check.timeoutFix(state.target),
      });
    }, check.boundMs);
  });
  try {
    const outcome = await Promise.race([
      check.run({ state, signal: controller.signal, deadline: Date.now() + check.boundMs }),
      timedOut,
    ]);
    if (check.usesApi && "blocksApi" in outcome && outcome.blocksApi === true) {
      state.apiBlocked = `${check.title} check: ${outcome.detail}`;
    }
    return outcome;
  } catch (error) {
    // The bound ran out while the check was between steps: the timeout's outcome stands.
    if (controller.signal.aborted) return timedOut;
    if (error instanceof AnswerTooLargeError) {
      return {
        status: "failed",
        detail: error.message,
        fix: "check that the URL is the cardpress API",
      };
    }
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const marks = { passed: "✔", failed: "✖", skipped: "–" } as const;

/** One line: mark, check, duration, what was found, and on failure what to do. */
export function formatCheck(result: CheckResult): string {
  const time = result.status === "skipped" ? "" : `${(result.durationMs / 1000).toFixed(1)} s`;
  const what = result.status === "skipped" ? `skipped: ${result.detail}` : result.detail;
  const fix = result.fix ? ` — to fix: ${result.fix}` : "";
  return `${marks[result.status]} ${result.title.padEnd(12)} ${time.padStart(6)}  ${what}${fix}`;
}

function summaryLine(report: SmokeReport): string {
  const count = (status: CheckResult["status"]) =>
    report.checks.filter((check) => check.status === status).length;
  const seconds = `${(report.durationMs / 1000).toFixed(1)} s`;
  const skipped = count("skipped") ? `, ${count("skipped")} skipped` : "";
  if (report.ok) return `smoke: ${count("passed")} checks passed${skipped} in ${seconds}`;
  return `smoke: ${count("failed")} of ${report.checks.length} checks failed${skipped} in ${seconds}; fix the ✖ lines (docs/deploy.md, "Troubleshooting cardpress smoke")`;
}

/** Runs every check in order against the target; `onResult` sees each as it finishes. */
export async function runSmoke(
  target: SmokeTarget,
  onResult: (result: CheckResult) => void = () => undefined,
): Promise<SmokeReport> {
  const state: SmokeState = { target };
  const started = performance.now();
  const checks: CheckResult[] = [];
  for (const check of smokeChecks) {
    const checkStarted = performance.now();
    const outcome = await runCheck(check, state);
    const result: CheckResult = {
      name: check.name,
      title: check.title,
      status: outcome.status,
      durationMs: Math.round(performance.now() - checkStarted),
      boundMs: check.boundMs,
      detail: outcome.detail,
      ...(outcome.status === "failed" ? { fix: outcome.fix } : {}),
    };
    checks.push(result);
    onResult(result);
  }
  return {
    apiUrl: target.apiUrl,
    source: target.source,
    ok: checks.every((check) => check.status !== "failed"),
    durationMs: Math.round(performance.now() - started),
    ...(state.batchId ? { batchId: state.batchId } : {}),
    checks,
  };
}

/** The whole `smoke` command: lines on stdout (with --json: on stderr, as progress, and the report on stdout). */
export async function runSmokeCommand(flags: SmokeFlags): Promise<void> {
  const target = resolveSmokeTarget(flags);
  note(`cardpress: using ${target.source}; checking ${target.apiUrl}`);
  const print = flags.json ? note : (line: string) => console.log(line);
  const report = await runSmoke(target, (result) => print(formatCheck(result)));
  if (flags.json) printJson(report);
  else console.log(summaryLine(report));
  process.exitCode = smokeExitCode(report.checks);
}
