// Turns the job pipeline's named errors into user errors (one sentence plus the fix, an exit code).
import { SpecValidationError } from "../renderer";
import {
  BatchNotFoundError,
  InvalidBatchIdError,
  StorageConfigError,
  TransientStorageError,
} from "../jobs";
import { SettingsError } from "../settings";
import { exitCodes, UserError } from "./exitCodes";

export function toUserError(error: unknown): unknown {
  if (error instanceof UserError) return error;
  if (error instanceof BatchNotFoundError || error instanceof InvalidBatchIdError) {
    return new UserError(`${error.message}; check the id printed by cardpress enqueue`);
  }
  if (error instanceof SpecValidationError) {
    return new UserError(`${error.message}; fix the batch file and try again`);
  }
  if (error instanceof SettingsError || error instanceof StorageConfigError) {
    return new UserError(`${error.message}; fix the setting and try again`);
  }
  if (error instanceof TransientStorageError) {
    return new UserError(
      `${error.message}; check that the storage is reachable (locally: is npm start running?) and retry`,
      exitCodes.unavailable,
    );
  }
  return error;
}

/** Wraps a command action so known failures reach main() as UserErrors. */
export function withUserErrors<Args extends unknown[]>(
  action: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      throw toUserError(error);
    }
  };
}
