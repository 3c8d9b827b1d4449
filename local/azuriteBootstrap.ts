// The code that runs in Azurite's process before Azurite: stop when the process that started it dies.

/**
 * Run as `node -e <this> <azurite entry> <azurite flags…>`: plain JavaScript, since Azurite's
 * process has no TypeScript loader. Kept free of `//` comments so it joins into one line that
 * `ps` shows readably; the why is here.
 *
 * Parent-death watch: the host holds the write end of our stdin, and the OS closes it when the host
 * dies, however it died (even SIGKILL). Azurite then shuts down as on SIGTERM (its stores saved);
 * if that hangs, it exits anyway after 5 s. stdin is unref'd so it never keeps Azurite alive.
 *
 * Not done here: write-through. Azurite saves its metadata (LokiJS databases) every 5 s, a fixed
 * interval with no option. A version of this bootstrap held every HTTP response until the
 * databases it changed were saved, so that an acknowledged write survived kill -9. In loaded full
 * test runs it hung requests for over a minute behind a save (3 of 10 runs) and once still lost an
 * acknowledged queue message, so it was removed; docs/local.md states the 5-s window instead.
 */
export const azuriteBootstrap = `
const [entry, ...flags] = process.argv.slice(1);
process.argv = [process.argv[0], entry, ...flags];
const parentGone = () => {
  setTimeout(() => process.exit(1), 5000).unref();
  process.kill(process.pid, "SIGTERM");
};
process.stdin.once("end", parentGone).once("error", parentGone).resume();
process.stdin.unref();
require(entry);
`
  .trim()
  .replace(/\n\s*/g, " ");
