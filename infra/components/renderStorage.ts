// The storage account of cardpress, hardened: private containers for renders, jobs, assets, templates and packages; the job queues; a lifecycle backstop.
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
}

/** Every container cardpress needs: the jobs' (renders, jobs, assets, templates) and the one for deployment packages. */
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
    createRendersLifecycle(name, args, account, containers.renders, this);

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

/** The lifecycle backstop: Azure deletes old blobs under `renders/` even if the prune timer stops. */
function createRendersLifecycle(
  name: string,
  args: RenderStorageArgs,
  account: azure.storage.StorageAccount,
  rendersContainer: azure.storage.BlobContainer,
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
          {
            name: "delete-old-renders",
            enabled: true,
            type: azure.storage.RuleType.Lifecycle,
            definition: {
              filters: {
                blobTypes: ["blockBlob"],
                prefixMatch: [`${names.containers.renders}/`],
              },
              actions: {
                baseBlob: {
                  delete: { daysAfterModificationGreaterThan: args.deleteRendersAfterDays },
                },
              },
            },
          },
        ],
      },
    },
    { parent, dependsOn: [rendersContainer] },
  );
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
