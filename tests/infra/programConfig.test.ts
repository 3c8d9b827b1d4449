// The real program refuses a bad config value before creating anything, naming key, value and limit.
import * as pulumi from "@pulumi/pulumi";
import { createMocks } from "./mocks";
import { makeFakePackage } from "./fakePackage";

test("pulumi up with chunkSize = 0 fails before any resource is declared", async () => {
  const { mocks, resources } = createMocks();
  pulumi.runtime.setAllConfig({
    "cardpress:packagePath": makeFakePackage(),
    "cardpress:chunkSize": "0",
  });
  await pulumi.runtime.setMocks(mocks, "cardpress", "dev", false);
  await expect(import("../../infra")).rejects.toThrow(
    /^config cardpress:chunkSize = "0" is not allowed: .*>=1.*\(app setting CHUNK_SIZE: cards per queue message/,
  );
  expect(resources).toEqual([]);
});
