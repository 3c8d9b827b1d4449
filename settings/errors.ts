// The settings layer's errors: an app setting or host.json value outside what the deployment accepts.

/** Thrown at start-up when an app setting (or host.json) has a value outside its limits. */
export class SettingsError extends Error {
  override name = "SettingsError";
}
