// Resources moved into new components keep their identity: an existing stack sees the same URNs (through aliases), so nothing is replaced.
import * as pulumi from "@pulumi/pulumi";
import { names } from "../../settings";
import { createMocks, knownUrns, recordRegistrations, valueOf, type Registration } from "./mocks";
import { makeFakePackage } from "./fakePackage";

/**
 * Every custom resource's URN as the program registered it before the FunctionApp was split
 * (issue 12, captured under these mocks from commit af40598). A stack deployed then holds these.
 */
const urnsBeforeTheSplit = [
  "azure-native:resources:ResourceGroup::cardpress-rg",
  "cardpress:storage:RenderStorage$azure-native:storage:StorageAccount::cardpresssa",
  "cardpress:storage:RenderStorage$azure-native:storage:BlobServiceProperties::cardpress-blob-service",
  "cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-renders",
  "cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-jobs",
  "cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-assets",
  "cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-deployments",
  "cardpress:storage:RenderStorage$azure-native:storage:Queue::cardpress-render-jobs",
  "cardpress:storage:RenderStorage$azure-native:storage:Queue::cardpress-render-jobs-poison",
  "cardpress:storage:RenderStorage$azure-native:storage:ManagementPolicy::cardpress-lifecycle",
  "cardpress:monitoring:Monitoring$azure-native:operationalinsights:Workspace::cardpress-logs",
  "cardpress:monitoring:Monitoring$azure-native:applicationinsights:Component::cardpress-insights",
  "cardpress:functions:FunctionApp$azure-native:managedidentity:UserAssignedIdentity::cardpress-identity",
  "cardpress:functions:FunctionApp$azure-native:authorization:RoleAssignment::cardpress-blobDataOwner",
  "cardpress:functions:FunctionApp$azure-native:authorization:RoleAssignment::cardpress-queueDataContributor",
  "cardpress:functions:FunctionApp$azure-native:authorization:RoleAssignment::cardpress-blobDelegator",
  "cardpress:functions:FunctionApp$azure-native:web:AppServicePlan::cardpress-plan",
  "cardpress:functions:FunctionApp$azure-native:storage:Blob::cardpress-package",
  "cardpress:functions:FunctionApp$azure-native:web:WebApp::cardpress-app",
  "cardpress:functions:FunctionApp$azure-native:web:WebAppFtpAllowed::cardpress-ftp-basic-auth",
  "cardpress:functions:FunctionApp$azure-native:web:WebAppScmAllowed::cardpress-scm-basic-auth",
  "cardpress:functions:FunctionApp$pulumi-nodejs:dynamic:Resource::cardpress-trigger-sync",
].map((typeAndName) => `urn:pulumi:dev::cardpress::${typeAndName}`);

/**
 * Resources of such a stack the program no longer declares, on purpose: `pulumi up` deletes them.
 * Storage Blob Delegator (issue 13): Storage Blob Data Owner already holds its only action.
 */
const removedOnPurpose = [
  "cardpress:functions:FunctionApp$azure-native:authorization:RoleAssignment::cardpress-blobDelegator",
].map((typeAndName) => `urn:pulumi:dev::cardpress::${typeAndName}`);

/**
 * Resources declared since, which a stack from before the split does not hold: `pulumi up`
 * creates them, so they need no alias. Issue 13: the host's Table Data Contributor, the
 * Monitoring Metrics Publisher role for Entra-authenticated telemetry, and the function key read
 * in a dynamic resource instead of an invoke. Issue 14: the templates container. Issue 15: the
 * og images' container and the card-URL signing keys (top level, outside the Function App).
 */
const addedSinceTheSplit = [
  "cardpress:functions:FunctionSite$pulumi-nodejs:dynamic:Resource::cardpress-function-key",
  `cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-${names.containers.templates}`,
  `cardpress:storage:RenderStorage$azure-native:storage:BlobContainer::cardpress-${names.containers.og}`,
  "pulumi-nodejs:dynamic:Resource::cardpress-og-signing-keys",
  "cardpress:functions:AppIdentity$azure-native:authorization:RoleAssignment::cardpress-tableDataContributor",
  "cardpress:functions:AppIdentity$azure-native:authorization:RoleAssignment::cardpress-metricsPublisher",
].map((typeAndName) => `urn:pulumi:dev::cardpress::${typeAndName}`);

const stillDeclared = urnsBeforeTheSplit.filter((urn) => !removedOnPurpose.includes(urn));

let registrations: Registration[];

beforeAll(async () => {
  const { mocks } = createMocks();
  pulumi.runtime.setAllConfig({ "cardpress:packagePath": makeFakePackage() });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  registrations = recordRegistrations();
  const program = await import("../../infra");
  await valueOf(program.functionKey);
});

function isComponent(registration: Registration): boolean {
  return registration.type.startsWith("cardpress:");
}

test("every resource a stack deployed before the split holds is still declared, under its URN or an alias", () => {
  const answered = new Set(registrations.flatMap(knownUrns));
  expect(stillDeclared.filter((urn) => !answered.has(urn))).toEqual([]);
});

test("a resource removed on purpose is really gone, under its URN and as an alias", () => {
  const answered = new Set(registrations.flatMap(knownUrns));
  expect(removedOnPurpose.filter((urn) => answered.has(urn))).toEqual([]);
});

test("each of those URNs belongs to exactly one resource", () => {
  for (const urn of stillDeclared) {
    const owners = registrations.filter((registration) => knownUrns(registration).includes(urn));
    expect([urn, owners.length]).toEqual([urn, 1]);
  }
});

test("no resource was added or dropped but those listed: the same resources, only components are new", () => {
  const resources = registrations.filter((registration) => !isComponent(registration));
  const answeredBefore = resources.filter((registration) =>
    knownUrns(registration).some((urn) => stillDeclared.includes(urn)),
  );
  expect(answeredBefore).toHaveLength(stillDeclared.length);
  const added = resources.filter((registration) => !answeredBefore.includes(registration));
  expect(added.map((registration) => registration.urn).sort()).toEqual(
    [...addedSinceTheSplit].sort(),
  );
  for (const registration of added) {
    // A new resource has no former parent to keep (azure-native's own aliases name only other
    // API versions of the type, under the same parent).
    const formerParents = registration.aliases.filter(
      (alias) =>
        "urn" in alias ||
        alias.spec.noParent ||
        (alias.spec.parentUrn !== "" && alias.spec.parentUrn !== registration.parent),
    );
    expect([registration.urn, formerParents]).toEqual([registration.urn, []]);
  }
});

test("the storage account and its children kept their URN itself, with no alias to rely on", () => {
  const storage = registrations.filter(
    (registration) =>
      registration.urn.includes("cardpress:storage:RenderStorage$") &&
      !addedSinceTheSplit.includes(registration.urn),
  );
  expect(storage.map((registration) => registration.urn).sort()).toEqual(
    urnsBeforeTheSplit.filter((urn) => urn.includes("cardpress:storage:RenderStorage$")).sort(),
  );
});
