// The lifecycle backstop never deletes a render its batch may still keep.
import { readSettings } from "../../settings";
import { lifecycleDeleteAfterDays } from "../../infra/lifecycle";

test.each([
  [{ RETENTION_HOURS: "168", MAX_TTL_HOURS: "720" }, 31],
  [{ RETENTION_HOURS: "1000", MAX_TTL_HOURS: "720" }, 43],
  [{ RETENTION_HOURS: "24", MAX_TTL_HOURS: "24" }, 2],
  [{ RETENTION_HOURS: "1", MAX_TTL_HOURS: "1" }, 2],
])("settings %j → delete after %i days", (env, days) => {
  const settings = readSettings(env);
  expect(lifecycleDeleteAfterDays(settings)).toBe(days);
  const longestHours = Math.max(settings.RETENTION_HOURS, settings.MAX_TTL_HOURS);
  expect(days * 24).toBeGreaterThanOrEqual(longestHours + 24);
});
