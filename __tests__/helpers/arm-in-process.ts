/**
 * The HTTPS ARM sandbox inside the test process, for integration tests of the
 * real SDK clients: started and trusted before the file's tests, closed after
 * them; every test starts with no faults, an empty request log and the
 * sandbox's default paging and read budget.
 */
import { resolveCloud } from "../../src/io/azure/clouds.js";
import { type ReaderOptions, SdkArmReader } from "../../src/io/azure/sdk-reader.js";
import { type ArmSandbox, startArmSandbox } from "../../sandbox/arm.js";
import { staticTokenCredential, trustCertificateInProcess } from "../../sandbox/trust.js";
import { World } from "../../sandbox/world.js";

export interface InProcessArm {
  readonly sandbox: ArmSandbox;
  /** The action's reader, signed in with a fixed token, reading the sandbox. */
  reader(options?: ReaderOptions): SdkArmReader;
}

export function armInProcess(): InProcessArm {
  let started: ArmSandbox | undefined;
  let untrust = () => {};
  const arm: InProcessArm = {
    get sandbox() {
      if (!started) throw new Error("the ARM sandbox starts in beforeAll");
      return started;
    },
    reader: (options) =>
      new SdkArmReader(staticTokenCredential(), resolveCloud("AzureCloud", arm.sandbox.url, undefined), options),
  };
  beforeAll(async () => {
    started = await startArmSandbox(new World());
    untrust = trustCertificateInProcess(started.ca);
  });
  afterAll(async () => {
    untrust();
    await started?.close();
  });
  beforeEach(() => {
    arm.sandbox.faults.clear();
    arm.sandbox.graph.reset();
    arm.sandbox.requests.length = 0;
    arm.sandbox.pageSize = 50;
    arm.sandbox.rateLimitRemaining = 12000;
  });
  return arm;
}
