// The Pulumi dynamic resource around infra/arm/hostKeys.ts: reads the host's default function key once per deployment, as a secret output.
// Its provider is serialized by Pulumi: it throws only the plain `Error`s of infra/arm (see armClient.ts).
import * as pulumi from "@pulumi/pulumi";
import { readFunctionKey } from "../arm/hostKeys";
import type { ArmEndpoint } from "./triggerSync";

export interface FunctionKeyArgs {
  siteId: pulumi.Input<string>;
  /**
   * What was deployed (package and trigger inputs): the key is read again when it changes. A
   * `preview`, or an `up` that deploys nothing, keeps the key read last time and wakes no app.
   */
  deploymentHash: pulumi.Input<string>;
  /** ARM bearer token of the deploying identity (short-lived; kept secret in the state). */
  armToken: pulumi.Input<string>;
  arm?: pulumi.Input<ArmEndpoint>;
}

export interface FunctionKeyInputs {
  siteId: string;
  deploymentHash: string;
  armToken: string;
  arm?: ArmEndpoint;
}

export interface FunctionKeyOutputs {
  siteId: string;
  deploymentHash: string;
  /** The host's `default` function key (a secret output: additionalSecretOutputs). */
  functionKey: string;
  readAt: string;
  /** listkeys rounds it took (each retried by the ARM client on its own). */
  attempts: number;
}

async function read(inputs: FunctionKeyInputs): Promise<FunctionKeyOutputs> {
  const result = await readFunctionKey(
    { siteId: inputs.siteId, armToken: inputs.armToken },
    { baseUrl: inputs.arm?.baseUrl, retry: inputs.arm?.retry },
  );
  return {
    siteId: inputs.siteId,
    deploymentHash: inputs.deploymentHash,
    functionKey: result.key,
    readAt: new Date().toISOString(),
    attempts: result.rounds,
  };
}

/**
 * Reads on create and on update (a new site or a new deployment); a state without a key (an
 * older read failed half-way) reads again. Nothing to delete: keys belong to the site.
 */
export const functionKeyProvider: pulumi.dynamic.ResourceProvider<
  FunctionKeyInputs,
  FunctionKeyOutputs
> = {
  async create(inputs) {
    const outs = await read(inputs);
    return { id: `${inputs.siteId}/host/default/functionKeys/default`, outs };
  },
  async diff(_id, olds, news) {
    const changed =
      olds.siteId !== news.siteId ||
      olds.deploymentHash !== news.deploymentHash ||
      typeof olds.functionKey !== "string" ||
      olds.functionKey === "";
    return { changes: changed };
  },
  async update(_id, _olds, news) {
    return { outs: await read(news) };
  },
  async delete() {},
};

export class FunctionKey extends pulumi.dynamic.Resource {
  /** The host's `default` function key; a secret. */
  declare public readonly functionKey: pulumi.Output<string>;

  constructor(name: string, args: FunctionKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      functionKeyProvider,
      name,
      { ...args, armToken: pulumi.secret(args.armToken), functionKey: undefined },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "functionKey"],
      },
    );
  }
}
