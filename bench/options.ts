// Numeric command-line options of the benchmarks (`--name value`), refused with the error class the benchmark throws.
export function numberOption(
  name: string,
  fallback: number,
  fail: new (message: string) => Error,
): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new fail(`--${name} needs a number`);
  return value;
}
