// The storage account of cardpress, hardened: private containers for renders, jobs, assets, templates, og images and packages; the job queues; lifecycle rules.
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../../settings";
import { InfraError } from "../errors";

export interface RenderStorageArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Days deleted blobs and containers can be restored. */
  softDeleteDays: number;
  /**
   * Blobs under `renders/` older than this many days are deleted by Azure itself: a backstop for
   * the prune timer, so a stopped app does not keep paying for storage.
   */
  deleteRendersAfterDays: number;
  /**
   * Blobs under `og/` (on-demand images of card URLs) not read for more than this many days are
   * deleted by Azure (OG_EXPIRE_AFTER_DAYS): last-access tracking is on for the account.
   */
  deleteOgImagesAfterIdleDays: number;
}

/** Every container cardpress needs: the jobs' (renders, jobs, assets, templates, og) and the one for deployment packages. */
export const containerNames = { ...names.containers, deployments: names.deploymentContainer };

type ContainerKey = keyof typeof containerNames;

/**
 * The data's home, so its resources keep `{ parent: this }` directly (split into functions, not
 * child components): a new parent would change the account's URN, and a missed alias would make
 * `pulumi up` replace the account and lose every blob.
 */
export class RenderStorage extends pulumi.ComponentResource {
  public readonly accountName: pulumi.Output<string>;
  public readonly accountId: pulumi.Output<string>;
  public readonly blobEndpoint: pulumi.Output<string>;
  public readonly queueEndpoint: pulumi.Output<string>;
  public readonly deploymentContainerName: pulumi.Output<string>;
  public readonly containerNames: pulumi.Output<Record<ContainerKey, string>>;
  public readonly renderQueueName: pulumi.Output<string>;
  public readonly poisonQueueName: pulumi.Output<string>;
  /**
   * Account-key connection string, for the `cardpress` CLI on a developer machine (it signs SAS
   * URLs with the key). The Function App does not use it: it connects with its identity.
   */
  public readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: RenderStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cardpress:storage:RenderStorage", name, {}, opts);

    const account = createAccount(name, args, this);
    const containers = createContainers(name, args, account, this);
    const [renderQueue, poisonQueue] = [names.renderQueue, names.poisonQueue].map(
      (queueName) =>
        new azure.storage.Queue(
          `${name}-${queueName}`,
          { resourceGroupName: args.resourceGroupName, accountName: account.name, queueName },
          { parent: this },
        ),
    ) as [azure.storage.Queue, azure.storage.Queue];
    createLifecycle(name, args, account, [containers.renders, containers.og], this);

    this.accountName = account.name;
    this.accountId = account.id;
    this.blobEndpoint = account.primaryEndpoints.blob;
    this.queueEndpoint = account.primaryEndpoints.queue;
    this.deploymentContainerName = containers.deployments.name;
    this.containerNames = pulumi
      .all(
        Object.entries(containers).map(([key, container]) =>
          container.name.apply((containerName) => [key, containerName] as const),
        ),
      )
      .apply((pairs) => Object.fromEntries(pairs) as Record<ContainerKey, string>);
    this.renderQueueName = renderQueue.name;
    this.poisonQueueName = poisonQueue.name;
    this.connectionString = accountKeyConnectionString(args.resourceGroupName, account);

    this.registerOutputs({
      accountName: this.accountName,
      accountId: this.accountId,
      containerNames: this.containerNames,
      renderQueueName: this.renderQueueName,
      poisonQueueName: this.poisonQueueName,
      connectionString: this.connectionString,
    });
  }
}

function createAccount(
  name: string,
  args: RenderStorageArgs,
  parent: pulumi.Resource,
): azure.storage.StorageAccount {
  return new azure.storage.StorageAccount(
    `${name}sa`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: azure.storage.Kind.StorageV2,
      sku: { name: azure.storage.SkuName.Standard_LRS },
      accessTier: azure.storage.AccessTier.Hot,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: azure.storage.MinimumTlsVersion.TLS1_2,
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
      // Stays true: Pulumi uploads the package blob with the account key
      // (pulumi-azure-native#2015), and the CLI signs SAS URLs with it. The Function App itself
      // authenticates with its managed identity.
      allowSharedKeyAccess: true,
      defaultToOAuthAuthentication: true,
    },
    { parent },
  );
}

/** Soft delete for blobs and containers, then every container, private. */
function createContainers(
  name: string,
  args: RenderStorageArgs,
  account: azure.storage.StorageAccount,
  parent: pulumi.Resource,
): Record<ContainerKey, azure.storage.BlobContainer> {
  const blobService = new azure.storage.BlobServiceProperties(
    `${name}-blob-service`,
    {
      resourceGroupName: args.resourceGroupName,
      accountName: account.name,
      blobServicesName: "default",
      deleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
      containerDeleteRetentionPolicy: { enabled: true, days: args.softDeleteDays },
      // Records each blob's last read (at most once a day per blob, billed as one "other
      // operation"): the og lifecycle rule deletes images by it.
      lastAccessTimeTrackingPolicy: {
        enable: true,
        name: azure.storage.Name.AccessTimeTracking,
        trackingGranularityInDays: 1,
        blobType: ["blockBlob"],
      },
    },
    { parent },
  );
  return Object.fromEntries(
    Object.entries(containerNames).map(([key, containerName]) => [
      key,
      new azure.storage.BlobContainer(
        `${name}-${containerName}`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: account.name,
          containerName,
          publicAccess: azure.storage.PublicAccess.None,
        },
        { parent, dependsOn: [blobService] },
      ),
    ]),
  ) as Record<ContainerKey, azure.storage.BlobContainer>;
}

/**
 * The account's one management policy (ARM allows only `default`), two rules, each confined to
 * its container by a `<container>/` prefix:
 * - `delete-old-renders`: the backstop behind the prune timer, by age;
 * - `delete-idle-og-images`: on-demand images nobody read for OG_EXPIRE_AFTER_DAYS, by last
 *   access (rendering is deterministic: the next request renders the same bytes again).
 */
function createLifecycle(
  name: string,
  args: RenderStorageArgs,
  account: azure.storage.StorageAccount,
  containers: azure.storage.BlobContainer[],
  parent: pulumi.Resource,
): azure.storage.ManagementPolicy {
  return new azure.storage.ManagementPolicy(
    `${name}-lifecycle`,
    {
      resourceGroupName: args.resourceGroupName,
      accountName: account.name,
      // The only name ARM accepts for an account's management policy.
      managementPolicyName: "default",
      policy: {
        rules: [
          deleteRule("delete-old-renders", names.containers.renders, {
            daysAfterModificationGreaterThan: args.deleteRendersAfterDays,
          }),
          deleteRule("delete-idle-og-images", names.containers.og, {
            daysAfterLastAccessTimeGreaterThan: args.deleteOgImagesAfterIdleDays,
          }),
        ],
      },
    },
    // After the containers, which wait for the blob service: ARM refuses a last-access condition
    // while access tracking is off.
    { parent, dependsOn: containers },
  );
}

/** A rule deleting the block blobs of one container (`<container>/`, so no other container matches) on one condition. */
function deleteRule(
  ruleName: string,
  container: string,
  condition: azure.types.input.storage.DateAfterModificationArgs,
): azure.types.input.storage.ManagementPolicyRuleArgs {
  return {
    name: ruleName,
    enabled: true,
    type: azure.storage.RuleType.Lifecycle,
    definition: {
      filters: { blobTypes: ["blockBlob"], prefixMatch: [`${container}/`] },
      actions: { baseBlob: { delete: condition } },
    },
  };
}

/** The account-key connection string, as a secret; fails clearly if Azure returns no key. */
function accountKeyConnectionString(
  resourceGroupName: pulumi.Input<string>,
  account: azure.storage.StorageAccount,
): pulumi.Output<string> {
  const keys = azure.storage.listStorageAccountKeysOutput({
    resourceGroupName,
    accountName: account.name,
  });
  return pulumi.secret(
    pulumi.all([account.name, keys.keys]).apply(([accountName, accountKeys]) => {
      const key = accountKeys[0]?.value;
      if (!key) throw new InfraError(`storage account ${accountName} returned no access key`);
      return `DefaultEndpointsProtocol=https;AccountName=${accountName};AccountKey=${key};EndpointSuffix=core.windows.net`;
    }),
  );
}
