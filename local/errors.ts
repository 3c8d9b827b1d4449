// The local stack's named errors, under one base that the CLI translates into exit codes (cli/errors.ts).

/** Something the local stack could not do; the message names what was wrong and the fix. */
export class LocalStackError extends Error {
  override name = "LocalStackError";
}

/** Azurite did not start (cannot be run, exited early, did not listen in time). */
export class AzuriteStartError extends LocalStackError {
  override name = "AzuriteStartError";
}

/**
 * Azurite is not installed. It is an optional peer dependency of the npm package (about 300
 * packages that library users never need), so an installed cardpress may run without it.
 */
export class AzuriteMissingError extends LocalStackError {
  override name = "AzuriteMissingError";
  constructor() {
    super(
      "the local stack (cardpress start, cardpress demo) runs Azurite, which is not installed; install it beside cardpress (npm install -g azurite@~3.35.0 for a global cardpress, npm install --save-dev azurite@~3.35.0 in your project) and try again",
    );
  }
}

/** An app setting a trigger needs (e.g. its queue connection) is missing from the host's env. */
export class AppSettingMissingError extends LocalStackError {
  override name = "AppSettingMissingError";
}
