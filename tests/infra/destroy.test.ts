// `pulumi destroy` on the default plan (Linux Consumption) leaves nothing behind; the check itself catches what would be left (Flex: tests/infra/flexPlan.test.ts).
import * as pulumi from "@pulumi/pulumi";
import { createMocks, recordRegistrations, valueOf, type Registration } from "./mocks";
import { makeFakePackage } from "./fakePackage";
import { teardownProblems } from "./support/teardown";

const { mocks, resources, settle } = createMocks();
let registrations: Registration[];

beforeAll(async () => {
  pulumi.runtime.setAllConfig({ "cardpress:packagePath": makeFakePackage() });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  registrations = recordRegistrations();
  const program = await import("../../infra");
  expect(await valueOf(pulumi.output(program.hostingPlan))).toBe("consumption");
  await valueOf(program.functionKey);
  await settle();
});

test("Linux Consumption: nothing protected, nothing retained outside what goes with the account, everything in the resource group", () => {
  expect(registrations.length).toBeGreaterThan(20);
  expect(teardownProblems(registrations, resources)).toEqual([]);
});

describe("the check", () => {
  test("names a protected resource, a retained one and one outside the group", () => {
    const [first] = registrations;
    if (!first) throw new Error("no registration recorded");
    const workspace = resources.find(
      (resource) => resource.type === "azure-native:operationalinsights:Workspace",
    );
    if (!workspace) throw new Error("no workspace recorded");
    const problems = teardownProblems(
      [
        ...registrations,
        { ...first, type: "azure-native:storage:StorageAccount", name: "kept", protect: true },
        { ...first, type: "azure-native:web:WebApp", name: "left", retainOnDelete: true },
      ],
      [
        ...resources,
        { ...workspace, name: "elsewhere", inputs: { resourceGroupName: "other-rg" } },
      ],
    );
    expect(problems).toEqual([
      "azure-native:storage:StorageAccount kept is protected",
      "azure-native:web:WebApp left is retained on delete",
      "azure-native:operationalinsights:Workspace elsewhere is outside the group",
    ]);
  });
});
