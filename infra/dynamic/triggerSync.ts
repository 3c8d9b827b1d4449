// The Pulumi dynamic resource around infra/arm/syncFunctionTriggers.ts: syncs the triggers whenever the site or the deployed package changes.
import * as pulumi from "@pulumi/pulumi";
import { syncFunctionTriggers } from "../arm/syncFunctionTriggers";

export interface TriggerSyncArgs {
  siteId: pulumi.Input<string>;
  /** The content hash of the deployed package: a new hash means a new sync. */
  packageHash: pulumi.Input<string>;
  /** ARM bearer token of the deploying identity (short-lived; kept secret in the state). */
  armToken: pulumi.Input<string>;
  /** Functions the package defines: the sync is done once ARM lists this many. */
  expectedFunctions: pulumi.Input<number>;
}

interface TriggerSyncInputs {
  siteId: string;
  packageHash: string;
  armToken: string;
  expectedFunctions: number;
}

interface TriggerSyncOutputs {
  siteId: string;
  packageHash: string;
  syncedAt: string;
  attempts: number;
}

async function sync(inputs: TriggerSyncInputs): Promise<TriggerSyncOutputs> {
  const attempts = await syncFunctionTriggers({
    siteId: inputs.siteId,
    armToken: inputs.armToken,
    expectedFunctions: inputs.expectedFunctions,
  });
  return {
    siteId: inputs.siteId,
    packageHash: inputs.packageHash,
    syncedAt: new Date().toISOString(),
    attempts,
  };
}

/**
 * Only the site and the package decide whether to sync: the token differs on every run and must
 * not cause one. Nothing to delete: the sync leaves no resource behind.
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
    const changed = olds.siteId !== news.siteId || olds.packageHash !== news.packageHash;
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

  constructor(name: string, args: TriggerSyncArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      triggerSyncProvider,
      name,
      { ...args, armToken: pulumi.secret(args.armToken), syncedAt: undefined },
      opts,
    );
  }
}
