// The local host's stand-in for Azure's lifecycle rule on `og`: a timer deleting on-demand images not read for OG_EXPIRE_AFTER_DAYS.
import { expireOgImages, openStorage } from "../jobs";
import { readSettings } from "../settings";
import type { AppSettings, TimerHandler } from "../functions/host";

/** The local-only timer's name (in `host.timers` and the stack registry; not a function in Azure). */
export const ogSweepFunctionName = "expireOgImages";

const namedLimit = 20;

/** Deletes og images whose last access (recorded in metadata locally) is older than OG_EXPIRE_AFTER_DAYS. */
export function ogSweepHandler(appSettings: AppSettings): TimerHandler {
  return async function expireOgImagesLocally(_timer, context) {
    const settings = readSettings(appSettings);
    const report = await expireOgImages(await openStorage(appSettings), {
      maxIdleDays: settings.OG_EXPIRE_AFTER_DAYS,
    });
    for (const name of report.deleted.slice(0, namedLimit)) {
      context.info(`expired og/${name} (not read for ${settings.OG_EXPIRE_AFTER_DAYS} days)`);
    }
    context.info(
      `og sweep: ${report.deleted.length} images deleted, ${report.kept} kept, ${report.staleLocks} stale locks removed`,
    );
  };
}
