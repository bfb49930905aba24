/** `vouch policy init`: prints the built-in policy, to save as vouch-policy.yaml and adapt. */
import type { Command } from "commander";
import { DEFAULT_POLICY_YAML } from "../policy/default.js";
import { EXIT_OK } from "./exit-codes.js";
import type { CliIo } from "./io.js";

export function registerPolicyCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const policy = program.command("policy").description("policies for vouch check");
  policy
    .command("init")
    .description("print the built-in policy (save it as vouch-policy.yaml)")
    .action(() => {
      io.stdout.write(DEFAULT_POLICY_YAML);
      done(EXIT_OK);
    });
}
