// The timer check of `cardpress smoke`: which timer functions the deployment registered, from ARM's functions listing (az login) or the local host's registry entry.
import { execFile } from "node:child_process";
import { z } from "zod";
import { parseJsonDocument } from "../../support";
import { answerText, type CheckOutcome } from "./smokeHttp";

/** Azure Resource Manager, as `az account get-access-token` signs for by default. */
export const armEndpoint = "https://management.azure.com";
/** The Microsoft.Web API version of the listing (the one infra/arm uses for the same calls). */
export const armApiVersion = "2024-04-01";

export interface ArmAccess {
  token: string;
  subscription: string;
}

export interface RegisteredTimer {
  functionName: string;
  schedule?: string;
  disabled?: boolean;
}

const azTokenSchema = z.looseObject({
  accessToken: z.string().min(1),
  subscription: z.string().min(1),
});

/**
 * A token for ARM and the current subscription from the Azure CLI (the login `pulumi up` used);
 * or why there is none, which skips the check rather than failing it.
 */
export function azArmAccess(signal: AbortSignal): Promise<ArmAccess | { reason: string }> {
  return new Promise((resolve) => {
    execFile(
      "az",
      ["account", "get-access-token", "--resource", `${armEndpoint}/`, "--output", "json"],
      { encoding: "utf8", signal, shell: process.platform === "win32", maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
          resolve({ reason: "no ARM access: the Azure CLI (az) is not installed" });
        } else if (error) {
          const why = (stderr || error.message).trim().split("\n")[0];
          resolve({
            reason: `no ARM access: az account get-access-token failed (${why}); run az login`,
          });
        } else {
          try {
            const parsed = parseJsonDocument(stdout, azTokenSchema, "az account get-access-token");
            resolve({ token: parsed.accessToken, subscription: parsed.subscription });
          } catch (parseError) {
            resolve({ reason: `no ARM access: ${(parseError as Error).message}` });
          }
        }
      },
    );
  });
}

const bindingSchema = z.looseObject({ type: z.string(), schedule: z.string().optional() });

/** ARM's `GET …/sites/<app>/functions`: only what the check reads. */
const functionListingSchema = z.looseObject({
  value: z.array(
    z.looseObject({
      name: z.string(),
      properties: z
        .looseObject({
          name: z.string().optional(),
          isDisabled: z.boolean().optional(),
          config: z.looseObject({ bindings: z.array(bindingSchema).optional() }).optional(),
        })
        .optional(),
    }),
  ),
});

/** The listing's timer functions: a function with a `timerTrigger` binding. */
function timersOf(listing: z.infer<typeof functionListingSchema>): RegisteredTimer[] {
  return listing.value.flatMap((entry) => {
    const timer = entry.properties?.config?.bindings?.find(
      (binding) => binding.type.toLowerCase() === "timertrigger",
    );
    if (!timer) return [];
    const functionName = entry.properties?.name ?? entry.name.split("/").at(-1) ?? entry.name;
    return [
      {
        functionName,
        ...(timer.schedule ? { schedule: timer.schedule } : {}),
        ...(entry.properties?.isDisabled ? { disabled: true } : {}),
      },
    ];
  });
}

export interface ArmSite {
  resourceGroupName: string;
  functionAppName: string;
}

/** What an ARM refusal means for this listing. */
function armRefusal(status: number, site: ArmSite, access: ArmAccess, body: string): CheckOutcome {
  const detail = `ARM answered HTTP ${status} for the functions of ${site.functionAppName}: ${body.trim().slice(0, 200)}`;
  if (status === 401) return { status: "failed", detail, fix: "run az login again" };
  if (status === 403) {
    return {
      status: "failed",
      detail,
      fix: `your az login may not read resource group ${site.resourceGroupName}: ask for Reader on it, or az login as the account that ran pulumi up`,
    };
  }
  if (status === 404) {
    return {
      status: "failed",
      detail,
      fix: `subscription ${access.subscription} (az's current one) has no Function App ${site.functionAppName} in ${site.resourceGroupName}: if the stack is in another subscription, az account set --subscription <id>; else run pulumi up`,
    };
  }
  return { status: "failed", detail, fix: "ARM failed: run cardpress smoke again in a minute" };
}

/** Lists the Function App's functions through ARM and checks that every expected timer is registered. */
export async function checkTimersViaArm(
  site: ArmSite,
  access: ArmAccess,
  expected: readonly string[],
  options: { signal: AbortSignal; endpoint?: string },
): Promise<CheckOutcome> {
  const siteId = `/subscriptions/${encodeURIComponent(access.subscription)}/resourceGroups/${encodeURIComponent(site.resourceGroupName)}/providers/Microsoft.Web/sites/${encodeURIComponent(site.functionAppName)}`;
  const url = `${options.endpoint ?? armEndpoint}${siteId}/functions?api-version=${armApiVersion}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${access.token}` },
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    return {
      status: "failed",
      detail: `no answer from ARM (${(error as Error).message})`,
      fix: "check this machine's network access to management.azure.com and run cardpress smoke again",
    };
  }
  const body = await answerText(response);
  if (!response.ok) return armRefusal(response.status, site, access, body);
  let listing: z.infer<typeof functionListingSchema>;
  try {
    listing = parseJsonDocument(body, functionListingSchema, "ARM's functions listing");
  } catch (error) {
    return { status: "failed", detail: (error as Error).message, fix: "run cardpress smoke again" };
  }
  return judgeTimers(expected, timersOf(listing), {
    where: `ARM's functions listing of ${site.functionAppName}`,
    fix: "the triggers were not synced with the package: run pulumi up again (its trigger-sync step lists the functions until ARM has them all); the listing can lag a sync by a minute",
  });
}

/** Every expected timer registered and enabled: passed; else which are missing and what to do. */
export function judgeTimers(
  expected: readonly string[],
  registered: readonly RegisteredTimer[],
  context: { where: string; fix: string },
): CheckOutcome {
  const byName = new Map(registered.map((timer) => [timer.functionName, timer]));
  const missing = expected.filter((name) => !byName.has(name));
  const disabled = expected.filter((name) => byName.get(name)?.disabled);
  if (missing.length) {
    const listed = registered.map((timer) => timer.functionName).join(", ") || "no timer";
    return {
      status: "failed",
      detail: `${context.where} has ${listed}, not ${missing.join(", ")}`,
      fix: context.fix,
    };
  }
  if (disabled.length) {
    return {
      status: "failed",
      detail: `${disabled.join(", ")} is disabled in ${context.where}`,
      fix: `enable it: remove the AzureWebJobs.${disabled[0]}.Disabled app setting (or the portal's Disable switch)`,
    };
  }
  const described = expected.map((name) => {
    const schedule = byName.get(name)?.schedule;
    return schedule ? `${name} (schedule ${schedule})` : name;
  });
  return { status: "passed", detail: `${described.join(", ")} registered in ${context.where}` };
}
