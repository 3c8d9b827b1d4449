// Translating errors by class: one table per boundary, the rule of an error's most specific class wins.

/** An error class, abstract or not, as `instanceof` takes it. */
export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** What a boundary answers for one error class (and, unless they have their own rule, its subclasses). */
export interface ErrorRule<R> {
  readonly type: ErrorClass<Error>;
  readonly answer: (error: Error) => R | undefined;
}

export function errorRule<E extends Error, R>(
  type: ErrorClass<E>,
  answer: (error: E) => R,
): ErrorRule<R> {
  return { type, answer: (error) => (error instanceof type ? answer(error) : undefined) };
}

/**
 * The answer of the rule for the error's own class or, failing that, its nearest base class with a
 * rule; undefined when no class in its chain has one. Order in `rules` does not matter, so a table
 * can list a layer's base beside its subclasses.
 */
export function translateError<R>(error: unknown, rules: readonly ErrorRule<R>[]): R | undefined {
  if (!(error instanceof Error)) return undefined;
  for (
    let prototype: unknown = Object.getPrototypeOf(error);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    const rule = rules.find((candidate) => candidate.type.prototype === prototype);
    if (rule) return rule.answer(error);
  }
  return undefined;
}
