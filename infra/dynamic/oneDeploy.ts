// The Pulumi dynamic resource around infra/arm/oneDeploy.ts: deploys the package to a Flex Consumption app whenever the site or the package changes.
// Its provider is serialized by Pulumi: it throws only the plain `Error`s of infra/arm (see armClient.ts).
import * as pulumi from "@pulumi/pulumi";
import { oneDeploy } from "../arm/oneDeploy";
import { syncFunctionTriggers } from "../arm/syncFunctionTriggers";
import type { ArmEndpoint } from "./triggerSync";

export interface OneDeployArgs {
  siteId: pulumi.Input<string>;
  /** The content hash of the package: a new hash means a new deployment. */
  packageHash: pulumi.Input<string>;
  /**
   * Hash of what the host reads when it builds its trigger list (a new PRUNE_SCHEDULE, …): a
   * change alone syncs the triggers again, without redeploying the same package.
   */
  triggersHash?: pulumi.Input<string>;
  /** The package blob's URL with a short read-only SAS (kept secret in the state). */
  packageUri: pulumi.Input<string>;
  /** ARM bearer token of the deploying identity (short-lived; kept secret in the state). */
  armToken: pulumi.Input<string>;
  /** Functions the package defines: the deployment is done once ARM lists this many. */
  expectedFunctions: pulumi.Input<number>;
  arm?: pulumi.Input<ArmEndpoint>;
}

export interface OneDeployInputs {
  siteId: string;
  packageHash: string;
  triggersHash?: string;
  packageUri: string;
  armToken: string;
  expectedFunctions: number;
  arm?: ArmEndpoint;
}

export interface OneDeployOutputs {
  siteId: string;
  packageHash: string;
  triggersHash?: string;
  /** Id of the deployment record ARM reported ("" when it reported none). */
  deploymentId: string;
  deployedAt: string;
  /** Attempts the start of the deployment took (role propagation retried). */
  startAttempts: number;
}

async function deploy(inputs: OneDeployInputs): Promise<OneDeployOutputs> {
  const result = await oneDeploy(
    {
      siteId: inputs.siteId,
      packageUri: inputs.packageUri,
      armToken: inputs.armToken,
      expectedFunctions: inputs.expectedFunctions,
    },
    { baseUrl: inputs.arm?.baseUrl, retry: inputs.arm?.retry },
  );
  return {
    siteId: inputs.siteId,
    packageHash: inputs.packageHash,
    ...(inputs.triggersHash === undefined ? {} : { triggersHash: inputs.triggersHash }),
    deploymentId: result.deploymentId ?? "",
    deployedAt: new Date().toISOString(),
    startAttempts: result.startAttempts,
  };
}

/**
 * The site and the package decide whether to deploy: the token and the SAS differ on every run
 * and must not cause one. Only the trigger inputs changed: sync the triggers instead (One Deploy
 * syncs them itself after a deployment). Nothing to delete: the deployed code goes with the site.
 * Runs only on `up` (create/update), never on `preview`.
 */
export const oneDeployProvider: pulumi.dynamic.ResourceProvider<OneDeployInputs, OneDeployOutputs> =
  {
    async create(inputs) {
      const outs = await deploy(inputs);
      return { id: `${inputs.siteId}/extensions/onedeploy`, outs };
    },
    async diff(_id, olds, news) {
      const changed =
        olds.siteId !== news.siteId ||
        olds.packageHash !== news.packageHash ||
        olds.triggersHash !== news.triggersHash;
      return { changes: changed };
    },
    async update(_id, olds, news) {
      if (olds.siteId === news.siteId && olds.packageHash === news.packageHash) {
        await syncFunctionTriggers(
          {
            siteId: news.siteId,
            armToken: news.armToken,
            expectedFunctions: news.expectedFunctions,
          },
          { baseUrl: news.arm?.baseUrl, retry: news.arm?.retry },
        );
        return { outs: { ...olds, ...pick(news) } };
      }
      return { outs: await deploy(news) };
    },
    async delete() {},
  };

/** The keyed inputs of a state, without the secrets. */
function pick(
  inputs: OneDeployInputs,
): Pick<OneDeployOutputs, "siteId" | "packageHash" | "triggersHash"> {
  return {
    siteId: inputs.siteId,
    packageHash: inputs.packageHash,
    ...(inputs.triggersHash === undefined ? {} : { triggersHash: inputs.triggersHash }),
  };
}

export class OneDeploy extends pulumi.dynamic.Resource {
  declare public readonly deploymentId: pulumi.Output<string>;
  declare public readonly deployedAt: pulumi.Output<string>;
  declare public readonly packageHash: pulumi.Output<string>;

  constructor(name: string, args: OneDeployArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      oneDeployProvider,
      name,
      {
        ...args,
        armToken: pulumi.secret(args.armToken),
        packageUri: pulumi.secret(args.packageUri),
        deploymentId: undefined,
        deployedAt: undefined,
      },
      opts,
    );
  }
}
