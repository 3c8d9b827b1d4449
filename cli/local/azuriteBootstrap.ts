// The code that runs in Azurite's process before Azurite: stop when our host dies, and answer a write only once it is on disk.

/** How long a response waits for a metadata save before it is sent anyway (see below). */
const saveWaitLimitMs = 10_000;

/**
 * Run as `node -e <this> <azurite entry> <azurite flags…>`: plain JavaScript, since Azurite's
 * process has no TypeScript loader. Kept free of `//` comments so it joins into one line that
 * `ps` shows readably; the why is here.
 *
 * Parent-death watch: the host holds the write end of our stdin, and the OS closes it when the host
 * dies, however it died (even SIGKILL). Azurite then shuts down as on SIGTERM (its stores saved);
 * if that hangs, it exits anyway after 5 s. stdin is unref'd so it never keeps Azurite alive.
 *
 * Write-through: with `--location`, Azurite keeps its metadata (containers, blobs, queues,
 * messages, and where their bytes are in its extent files) in LokiJS databases that it saves to
 * disk every 5 s (`autosaveInterval: 5000`, fixed in its `Loki*Store` classes, no option or
 * environment variable), so a `kill -9` lost everything acknowledged in the last 5 s. Here every
 * LokiJS database Azurite opens with autosave (the on-disk ones) is registered, and an HTTP response
 * sends its first byte only once no registered database has unsaved changes: if one has, the
 * response waits for a save (LokiJS coalesces concurrent saves, so many writes share one). A save
 * writes a temporary file and renames it over the old one, so the file on disk is always whole. The
 * bytes of blobs and messages are already written to the extent files before Azurite answers. A
 * failed save ends the response with a socket error (the client retries) rather than acknowledge
 * what is not on disk. A save that has not finished after `saveWaitLimitMs` releases the response
 * anyway, with a line on stderr: a full test run once hung a request for over a minute behind a
 * save (a loaded run; not reproduced alone), and a local stack that stops answering is worse
 * than one whose last writes are back to Azurite's own 5-s window. In-memory Azurite opens no
 * autosaving database: nothing waits.
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
const Loki = require(require.resolve("lokijs", { paths: [require("path").dirname(entry)] }));
const { ServerResponse } = require("http");
const diskStores = new Set();
const { autosaveEnable, close } = Loki.prototype;
Loki.prototype.autosaveEnable = function (...args) {
  diskStores.add(this);
  return autosaveEnable.apply(this, args);
};
Loki.prototype.close = function (...args) {
  diskStores.delete(this);
  return close.apply(this, args);
};
const saved = (store) =>
  new Promise((resolve, reject) => store.saveDatabase((error) => (error ? reject(error) : resolve())));
const { write, end } = ServerResponse.prototype;
const held = new WeakMap();
const released = new WeakSet();
const send = (response, method, args) => {
  if (released.has(response)) return method.apply(response, args);
  const queue = held.get(response);
  if (queue) {
    queue.push([method, args]);
    return false;
  }
  const unsaved = [...diskStores].filter((store) => store.autosaveDirty() || store.throttledSavePending);
  if (unsaved.length === 0) {
    released.add(response);
    return method.apply(response, args);
  }
  held.set(response, [[method, args]]);
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write("cardpress: Azurite's metadata save took over ${saveWaitLimitMs} ms; answering without it (Azurite's own 5-s save still runs)\\n");
      resolve();
    }, ${saveWaitLimitMs});
    timer.unref();
  });
  Promise.race([Promise.all(unsaved.map(saved)), slow]).then(
    () => {
      clearTimeout(timer);
      const calls = held.get(response) || [];
      held.delete(response);
      released.add(response);
      for (const [heldMethod, heldArgs] of calls) heldMethod.apply(response, heldArgs);
      if (calls.some(([heldMethod]) => heldMethod === write)) response.emit("drain");
    },
    (error) => {
      clearTimeout(timer);
      process.stderr.write("cardpress: Azurite could not save its metadata, so a write is not acknowledged: " + String(error) + "\\n");
      held.delete(response);
      response.destroy(error);
    },
  );
  return false;
};
ServerResponse.prototype.write = function (...args) {
  return send(this, write, args);
};
ServerResponse.prototype.end = function (...args) {
  send(this, end, args);
  return this;
};
require(entry);
`
  .trim()
  .replace(/\n\s*/g, " ");
