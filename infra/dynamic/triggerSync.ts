// The Pulumi dynamic resource around infra/arm/syncFunctionTriggers.ts: syncs the triggers whenever the site, the package or what shapes the triggers changes.
// Its provider is serialized by Pulumi: it throws only the plain `Error`s of infra/arm (see armClient.ts).
import * as pulumi from "@pulumi/pulumi";
import type { ArmRetryPolicy } from "../arm/armClient";
import { syncFunctionTriggers } from "../arm/syncFunctionTriggers";

/** Where ARM is and how long to retry; absent in a deployment (public Azure, ~10 minutes). Tests point it at a simulator. */
export interface ArmEndpoint {
  baseUrl?: string;
  retry?: Partial<ArmRetryPolicy>;
}

export interface TriggerSyncArgs {
  siteId: pulumi.Input<string>;
  /** The content hash of the deployed package: a new hash means a new sync. */
  packageHash: pulumi.Input<string>;
  /**
   * Hash of everything the host reads when it builds its trigger list (infra/dynamic/triggersHash.ts):
   * a change (a new PRUNE_SCHEDULE, another storage connection) means a new sync.
   */
  triggersHash: pulumi.Input<string>;
  /** ARM bearer token of the deploying identity (short-lived; kept secret in the state). */
  armToken: pulumi.Input<string>;
  /** Functions the package defines: the sync is done once ARM lists this many. */
  expectedFunctions: pulumi.Input<number>;
  arm?: pulumi.Input<ArmEndpoint>;
}

export interface TriggerSyncInputs {
  siteId: string;
  packageHash: string;
  triggersHash: string;
  armToken: string;
  expectedFunctions: number;
  arm?: ArmEndpoint;
}

export interface TriggerSyncOutputs {
  siteId: string;
  packageHash: string;
  triggersHash: string;
  syncedAt: string;
  /** Sync rounds it took (POST and listing); `requests` counts every HTTP request, retries included. */
  attempts: number;
  requests: number;
  elapsedMs: number;
}

async function sync(inputs: TriggerSyncInputs): Promise<TriggerSyncOutputs> {
  const result = await syncFunctionTriggers(
    {
      siteId: inputs.siteId,
      armToken: inputs.armToken,
      expectedFunctions: inputs.expectedFunctions,
    },
    { baseUrl: inputs.arm?.baseUrl, retry: inputs.arm?.retry },
  );
  return {
    siteId: inputs.siteId,
    packageHash: inputs.packageHash,
    triggersHash: inputs.triggersHash,
    syncedAt: new Date().toISOString(),
    attempts: result.rounds,
    requests: result.requests,
    elapsedMs: result.elapsedMs,
  };
}

/**
 * The site, the package and the trigger inputs decide whether to sync: the token differs on every
 * run and must not cause one (nor ARM's address or the retry policy). Nothing to delete: the sync
 * leaves no resource behind. Runs only on `up` (create/update), never on `preview`.
 */
export const triggerSyncProvider: pulumi.dynamic.ResourceProvider<
  TriggerSyncInputs,
  TriggerSyncOutputs
> = {
  async create(inputs) {
    const outs = await sync(inputs);
    return { id: `${inputs.siteId}/syncfunctiontriggers`, outs };
  },
  async diff(_id, olds, news) {
    const changed =
      olds.siteId !== news.siteId ||
      olds.packageHash !== news.packageHash ||
      olds.triggersHash !== news.triggersHash;
    return { changes: changed };
  },
  async update(_id, _olds, news) {
    return { outs: await sync(news) };
  },
  async delete() {},
};

export class TriggerSync extends pulumi.dynamic.Resource {
  declare public readonly syncedAt: pulumi.Output<string>;
  declare public readonly packageHash: pulumi.Output<string>;
  declare public readonly triggersHash: pulumi.Output<string>;

  constructor(name: string, args: TriggerSyncArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      triggerSyncProvider,
      name,
      { ...args, armToken: pulumi.secret(args.armToken), syncedAt: undefined },
      opts,
    );
  }
}
