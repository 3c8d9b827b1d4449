// The CLI's error (one sentence plus the fix, an exit code) and the one translation of every layer's errors into it.
import { errorRule, type ErrorRule, translateError } from "../support";
import { exitCodes } from "./exitCodes";

/** The CLI's base: an error meant for the user, printed without a stack trace, ending with `exitCode`. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.usage,
  ) {
    super(message);
  }
}

/**
 * The user error for each error class of the layers below (the table in docs/architecture.md).
 * The layers are loaded when a command fails, never at start-up: this module is imported by
 * cli/main.ts and `render`, which must not load the storage SDK (tests/package/startup.test.ts).
 */
async function userErrorRules(): Promise<ErrorRule<UserError>[]> {
  const [renderer, jobs, settings, local, signing] = await Promise.all([
    import("../renderer"),
    import("../jobs"),
    import("../settings"),
    import("../local"),
    import("../signing"),
  ]);
  const checkTheId = (error: Error) =>
    new UserError(`${error.message}; check the id printed by cardpress enqueue`);
  const fixTheSetting = (error: Error) =>
    new UserError(`${error.message}; fix the setting and try again`);
  const asIs = (error: Error) => new UserError(error.message);
  return [
    errorRule(jobs.BatchNotFoundError, checkTheId),
    errorRule(jobs.InvalidBatchIdError, checkTheId),
    errorRule(
      renderer.SpecValidationError,
      (error) => new UserError(`${error.message}; fix the batch file and try again`),
    ),
    errorRule(
      renderer.TemplateValidationError,
      (error) =>
        new UserError(
          `${error.message}; fix the template (cardpress templates validate ${error.source === "template" ? "<file>" : error.source} lists every problem with its line)`,
        ),
    ),
    errorRule(
      renderer.JsonSyntaxError,
      (error) => new UserError(`${error.message}; fix the file and try again`),
    ),
    // The storage side's template errors already say what to do (push it, push that version again).
    errorRule(jobs.TemplateNotFoundError, asIs),
    errorRule(jobs.TemplateVersionNotFoundError, asIs),
    errorRule(jobs.InvalidStoredTemplateError, asIs),
    errorRule(jobs.TemplateNameError, asIs),
    errorRule(settings.SettingsError, fixTheSetting),
    errorRule(jobs.StorageConfigError, fixTheSetting),
    errorRule(
      jobs.TransientStorageError,
      (error) =>
        new UserError(
          `${error.message}; check that the storage is reachable (locally: is npm start running?) and retry`,
          exitCodes.unavailable,
        ),
    ),
    errorRule(
      signing.SigningKeyError,
      (error) =>
        new UserError(
          `${error.message}; fix the key given to cardpress sign (--key-file, $CARDPRESS_OG_KEY or --stack)`,
        ),
    ),
    errorRule(signing.BaseUrlError, (error) => new UserError(`${error.message}; fix --base-url`)),
    // Says itself what to do (shorten the text, or move it into a stored template).
    errorRule(signing.CardUrlLimitError, asIs),
    errorRule(local.AzuriteMissingError, asIs),
    errorRule(local.DataFolderInUseError, asIs),
  ];
}

/** A command's failure as a UserError when its class has a rule; anything else as it is (a bug: it keeps its stack). */
export async function toUserError(error: unknown): Promise<unknown> {
  if (error instanceof UserError) return error;
  return translateError(error, await userErrorRules()) ?? error;
}

/** Wraps a command action so known failures reach main() as UserErrors. */
export function withUserErrors<Args extends unknown[]>(
  action: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      throw await toUserError(error);
    }
  };
}

/**
 * How main() ends for an error that reached it: a UserError is printed as one line and gives its
 * exit code; commander's own errors (already printed by commander) give 0 for --help and
 * --version, else 2. Undefined for anything else: a bug, rethrown with its stack.
 */
export function reportCliError(error: unknown): number | undefined {
  if (error instanceof UserError) {
    console.error(`cardpress: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof Error && "exitCode" in error && typeof error.exitCode === "number") {
    return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  }
  return undefined;
}
