// Pulumi mocks for the infra tests: records every resource and invoke, and answers like Azure would (names, ids, keys).
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  /** Position among all recorded resources (when created) and calls: tells what happened first. */
  sequence: number;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

export interface RecordedCall {
  sequence: number;
  token: string;
  inputs: Record<string, unknown>;
}

export const fakeAzure = {
  subscriptionId: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-000000000002",
  armToken: "fake-arm-token",
  accountKey: "ZmFrZS1hY2NvdW50LWtleQ==",
  functionKey: "fake-default-function-key",
  identityClientId: "00000000-0000-4000-8000-0000000000c1",
  identityPrincipalId: "00000000-0000-4000-8000-0000000000p1",
  packageSas: "sv=2022-11-02&sr=b&sp=r&spr=https&se=2026-01-01T00%3A00%3A00Z&sig=ZmFrZQ%3D%3D",
} as const;

/** azure-native appends a random suffix to names it generates; mimic that so tests do not rely on logical names. */
const autonameSuffix = "a1b2c3d4";

function armProviderPath(type: string): string {
  // "azure-native:storage:StorageAccount" → "azure-native/storage/StorageAccount" (only for readable fake ids).
  return type.replace(/:/g, "/");
}

function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const resourceGroup = "cardpress-rg" + autonameSuffix;
  const id = `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${resourceGroup}/providers/${armProviderPath(type)}/${name}`;
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { name: resourceGroup, id };
    case "azure-native:storage:StorageAccount": {
      const accountName = `${name}${autonameSuffix}`;
      return {
        name: accountName,
        id,
        primaryEndpoints: {
          blob: `https://${accountName}.blob.core.windows.net/`,
          queue: `https://${accountName}.queue.core.windows.net/`,
        },
      };
    }
    case "azure-native:storage:BlobContainer":
      return { name: inputs.containerName };
    case "azure-native:storage:Queue":
      return { name: inputs.queueName };
    case "azure-native:storage:Blob":
      return {
        name: inputs.blobName,
        url: `https://${String(inputs.accountName)}.blob.core.windows.net/${String(inputs.containerName)}/${String(inputs.blobName)}`,
      };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        name: `${name}${autonameSuffix}`,
        id,
        clientId: fakeAzure.identityClientId,
        principalId: fakeAzure.identityPrincipalId,
      };
    case "azure-native:web:WebApp": {
      const siteName = `${name}${autonameSuffix}`;
      return {
        name: siteName,
        id: `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${siteName}`,
        defaultHostName: `${siteName}.azurewebsites.net`,
      };
    }
    case "pulumi-nodejs:dynamic:Resource":
      // The function-key resource answers with the key it read through ARM (infra/dynamic/functionKey.ts).
      return name.endsWith("-function-key")
        ? { name: `${name}${autonameSuffix}`, id, functionKey: fakeAzure.functionKey }
        : { name: `${name}${autonameSuffix}`, id };
    case "azure-native:applicationinsights:Component":
      return {
        name: `${name}${autonameSuffix}`,
        id,
        connectionString:
          "InstrumentationKey=00000000-0000-4000-8000-0000000000ai;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
      };
    default:
      return { name: `${name}${autonameSuffix}`, id };
  }
}

export function createMocks(): {
  mocks: pulumi.runtime.Mocks;
  resources: RecordedResource[];
  calls: RecordedCall[];
} {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  let sequence = 0;
  const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
      // Dynamic resources (trigger sync, function key) answer late, as the real ARM calls do:
      // whatever waits for them must really wait (the function-key read is checked against this).
      if (args.type === "pulumi-nodejs:dynamic:Resource") {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const inputs = args.inputs as Record<string, unknown>;
      const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
      resources.push({ sequence: sequence++, type: args.type, name: args.name, inputs, state });
      return { id: typeof state.id === "string" ? state.id : `${args.name}-id`, state };
    },
    call(args) {
      const inputs = args.inputs as Record<string, unknown>;
      calls.push({ sequence: sequence++, token: args.token, inputs });
      switch (args.token) {
        case "azure-native:authorization:getClientConfig":
          return {
            subscriptionId: fakeAzure.subscriptionId,
            tenantId: fakeAzure.tenantId,
            clientId: "deployer",
            objectId: "deployer-object",
          };
        case "azure-native:authorization:getClientToken":
          return { token: fakeAzure.armToken };
        case "azure-native:storage:listStorageAccountServiceSAS":
          // Flex Consumption's One Deploy downloads the package with a read SAS ARM signs.
          return { serviceSasToken: fakeAzure.packageSas };
        case "azure-native:storage:listStorageAccountKeys":
          return { keys: [{ keyName: "key1", permissions: "Full", value: fakeAzure.accountKey }] };
        case "azure-native:web:listWebAppHostKeys":
          return { masterKey: "fake-master", functionKeys: { default: fakeAzure.functionKey } };
        default:
          throw new Error(`unexpected invoke ${args.token} in the infra mocks`);
      }
    },
  };
  return { mocks, resources, calls };
}

/** The value of an output (mocks resolve everything; never call this in preview mode). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** How the program registered one resource with the engine: its URN, and the aliases it declared. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent; "" for a top-level resource. */
  parent: string;
  aliases: AliasRequest[];
  /** `protect`: `pulumi destroy` refuses to delete it. */
  protect: boolean;
  /** `retainOnDelete`: `pulumi destroy` forgets it but leaves it in Azure. */
  retainOnDelete: boolean;
  /** Properties whose change replaces the resource (`replaceOnChanges`). */
  replaceOnChanges: string[];
}

/** An alias as the engine receives it: a full URN, or a spec whose empty fields mean "as the resource". */
export type AliasRequest =
  { urn: string } | { spec: { name: string; type: string; parentUrn: string; noParent: boolean } };

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getReplaceonchangesList(): string[];
  getAliasesList(): {
    getUrn(): string;
    hasSpec(): boolean;
    getSpec():
      | { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean }
      | undefined;
  }[];
}

type RegisterResourceCallback = (error: unknown, response?: { getUrn(): string }) => void;

interface RecordableMonitor {
  registerResource(request: RegisterResourceRequest, callback: RegisterResourceCallback): void;
}

/**
 * Records every registration the program sends to the (mock) engine, aliases included: the
 * mocks' `newResource` never sees aliases. Call after `pulumi.runtime.setMocks`.
 */
export function recordRegistrations(): Registration[] {
  const registrations: Registration[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordableMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (response) {
        registrations.push({
          urn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          parent: request.getParent(),
          protect: request.getProtect() ?? false,
          retainOnDelete: request.getRetainondelete() ?? false,
          replaceOnChanges: request.getReplaceonchangesList(),
          aliases: request.getAliasesList().map((alias) => {
            const spec = alias.hasSpec() ? alias.getSpec() : undefined;
            if (!spec) return { urn: alias.getUrn() };
            return {
              spec: {
                name: spec.getName(),
                type: spec.getType(),
                parentUrn: spec.getParenturn(),
                noParent: spec.getNoparent(),
              },
            };
          }),
        });
      }
      callback(error, response);
    });
  return registrations;
}

/** A URN as the engine builds it: the parent's type chain, `$`, the type; then the name. */
export function urnOf(
  stackAndProject: string,
  parentUrn: string,
  type: string,
  name: string,
): string {
  const parentChain = parentUrn === "" ? "" : `${parentUrn.split("::")[2] ?? ""}$`;
  return `urn:pulumi:${stackAndProject}::${parentChain}${type}::${name}`;
}

/**
 * The URNs a registration answers to: its own and every alias, resolved as the engine does (a
 * spec's empty name, type or parent stand for the resource's own).
 */
export function knownUrns(registration: Registration): string[] {
  const stackAndProject = registration.urn
    .split("::")
    .slice(0, 2)
    .join("::")
    .slice("urn:pulumi:".length);
  return [
    registration.urn,
    ...registration.aliases.map((alias) => {
      if ("urn" in alias) return alias.urn;
      const { spec } = alias;
      const parent = spec.noParent ? "" : spec.parentUrn || registration.parent;
      return urnOf(
        stackAndProject,
        parent,
        spec.type || registration.type,
        spec.name || registration.name,
      );
    }),
  ];
}
