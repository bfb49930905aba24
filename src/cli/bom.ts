/**
 * `vouch bom TARGET`: writes the model's ML bill of materials (CycloneDX 1.6 / 1.7 or SPDX 3.0.1) from
 * the library's bom(); `vouch bom validate FILE` checks a CycloneDX 1.4-1.7 or SPDX 3.0.1 document
 * against its schema and the semantic checks (exit 1 when it has problems).
 */
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { resolveClock } from "../core/clock.js";
import { VouchError } from "../core/errors.js";
import { BOM_FORMATS, bom, fetchSpdxSchema, findSpdxSchema, renderBom, validateBom, CYCLONEDX_VERSIONS, type BomFormat, type BomValidation, type CycloneDxVersion } from "../bom/index.js";
import { canonicalJson } from "../report/json.js";
import { EXIT_FINDINGS, EXIT_OK } from "./exit-codes.js";
import { hubOptionsFor } from "./hf-targets.js";
import { writeOutput, type CliIo } from "./io.js";
import type { GlobalOptions } from "./main.js";

interface BomFlags {
  format: BomFormat;
  specVersion: CycloneDxVersion;
  output?: string;
  offline?: boolean;
}

interface ValidateFlags {
  schema?: string;
  fetchSchema?: boolean;
  json?: boolean;
}

export function registerBomCommand(program: Command, io: CliIo, done: (exitCode: number) => void): void {
  const cmd = program
    .command("bom")
    .description("write the model's ML bill of materials: CycloneDX 1.6/1.7 ML-BOM or SPDX 3.0.1 (AI and Dataset profiles)")
    .argument("<target>", "a model folder, a Hugging Face cache snapshot, or hf://ORG/NAME[@REVISION]")
    .addOption(new Option("-f, --format <format>", "BOM format").choices(BOM_FORMATS).default("cyclonedx"))
    .addOption(new Option("--spec-version <version>", "CycloneDX version").choices(CYCLONEDX_VERSIONS).default("1.6"))
    .option("-o, --output <file>", "write to FILE instead of stdout")
    .option("--offline", "never contact the Hub (also HF_HUB_OFFLINE=1): use the local cache only")
    .action(async (target: string, _flags: BomFlags, command: Command) => {
      done(await runBom(target, command.optsWithGlobals<GlobalOptions & BomFlags>(), io));
    });
  cmd
    .command("validate")
    .description("validate a CycloneDX (1.4-1.7) or SPDX 3.0.1 JSON document: schema and semantic checks")
    .argument("<file>", "the BOM document")
    .option("--schema <file>", "the SPDX 3.0.1 JSON schema (default: the cached copy; without one SPDX gets semantic checks only)")
    .option("--fetch-schema", "download the SPDX 3.0.1 schema from spdx.org into the cache first (once; later runs use the copy)")
    .option("--json", "print the result as JSON")
    .action(async (file: string, flags: ValidateFlags) => {
      done(await runValidate(file, flags, io));
    });
}

async function runBom(target: string, flags: GlobalOptions & BomFlags, io: CliIo): Promise<number> {
  const clock = resolveClock(flags.now, io.env);
  const hub = hubOptionsFor(io, flags.offline === true);
  const doc = await bom(target, { clock, hub, format: flags.format, specVersion: flags.specVersion });
  await writeOutput(renderBom(doc), flags.output, io);
  return EXIT_OK;
}

async function runValidate(file: string, flags: ValidateFlags, io: CliIo): Promise<number> {
  const text = await readFile(file, "utf8").catch((e: unknown) => {
    throw new VouchError("E_BOM_READ", `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new VouchError("E_BOM_JSON", `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { file, hint: "Only JSON BOMs are validated (not XML or tag-value)" });
  }
  if (flags.fetchSchema === true && flags.schema === undefined && findSpdxSchema(undefined, io.env) === undefined) await fetchSpdxSchema(io.env);
  const schema = findSpdxSchema(flags.schema, io.env);
  const result = await validateBom(doc, schema !== undefined ? { spdxSchema: schema } : {});
  io.stdout.write(flags.json === true ? canonicalJson(result) : renderValidation(file, result));
  return result.valid ? EXIT_OK : EXIT_FINDINGS;
}

function renderValidation(file: string, r: BomValidation): string {
  const what = `${r.format === "cyclonedx" ? "CycloneDX" : "SPDX"} ${r.specVersion}`;
  const checks = r.schemaChecked ? "schema and semantic checks" : "semantic checks only (no SPDX schema: give --schema or --fetch-schema)";
  const head = `${file}: ${what}, ${checks}: ${r.valid ? "valid" : `${r.problems.length} problem(s)`}\n`;
  return head + r.problems.map((p) => `  ${p.kind} ${p.at}: ${p.message}\n`).join("");
}
