// Jest setup: tests get a local stack registry of their own, so none finds (or refuses to start beside) a stack the user runs.
import os from "node:os";
import path from "node:path";
import { stateDirVariable } from "../../local/stackFile";

// Per worker process; created only if a test records a stack without choosing its own folder.
process.env[stateDirVariable] ??= path.join(os.tmpdir(), `cardpress-test-state-${process.pid}`);
