// Printing command results: JSON for scripts (stdout only), human lines otherwise; progress goes to stderr.

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Notes for humans that must not mix into `--json` output. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
