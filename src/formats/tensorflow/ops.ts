/**
 * Which TensorFlow ops reach outside the graph. A graph is a program: when it runs, each op runs with
 * the privileges of the loading process. Most ops compute on tensors; these read or write files, open
 * network connections or call back into Python, with paths and arguments the graph itself supplies.
 */
import type { Severity } from "../../core/types.js";

export interface DangerousOp {
  severity: Severity;
  /** What the op does, for the finding's message. */
  what: string;
}

/** Ops that call Python functions of the loading program: arbitrary code. */
const PYTHON_OPS = ["PyFunc", "PyFuncStateless", "EagerPyFunc"];

/** The ops a Saver builds to write and read checkpoints: normal inside its own scope. */
export const SAVE_RESTORE_OPS: ReadonlySet<string> = new Set([
  "Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints",
]);

/** Ops that read or write files (or memory-map them) at paths the graph supplies. */
const FILE_OPS = [
  ...SAVE_RESTORE_OPS,
  "ReadFile", "WriteFile", "MatchingFiles", "ImmutableConst",
  "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "TFRecordReader", "TFRecordReaderV2",
  "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "LMDBReader",
  "TextLineDataset", "TFRecordDataset", "FixedLengthRecordDataset", "CSVDataset", "ExperimentalCSVDataset",
  "LMDBDataset", "ExperimentalLMDBDataset", "SqlDataset", "ExperimentalSqlDataset",
  "MatchingFilesDataset", "ExperimentalMatchingFilesDataset", "SaveDataset", "SaveDatasetV2", "LoadDataset",
  "DatasetToTFRecord", "ExperimentalDatasetToTFRecord",
  "InitializeTableFromTextFile", "InitializeTableFromTextFileV2", "CreateSummaryFileWriter", "DebugIdentityV2", "Skipgram",
];

/** Ops that talk to the network or to other processes. */
const NETWORK_OPS = [
  "Rpc", "TryRpc", "RpcClient", "RpcServer", "RpcServerStart", "RpcServerRegister", "RpcCall",
  "GcsConfigureCredentials", "GcsConfigureBlockCache", "BigQueryReader",
];

const TABLE = new Map<string, DangerousOp>([
  ...PYTHON_OPS.map((op): [string, DangerousOp] => [op, { severity: "critical", what: "calls a Python function of the loading program" }]),
  ...FILE_OPS.map((op): [string, DangerousOp] => [op, { severity: "high", what: "reads or writes files at paths the graph supplies" }]),
  ...NETWORK_OPS.map((op): [string, DangerousOp] => [op, { severity: "high", what: "connects to the network or other processes" }]),
]);

/**
 * Custom ops are not in TensorFlow's registry; a name that says it runs commands or loads libraries is
 * flagged on its words. Names are split at CamelCase boundaries so `ShellExec` matches `Shell` and
 * `Exec` but TensorFlow's own `TPUExecute` does not match `Exec`.
 */
const COMMAND_WORDS: ReadonlySet<string> = new Set(["shell", "exec", "subprocess", "popen", "dlopen"]);

export function classifyOp(op: string): DangerousOp | undefined {
  const known = TABLE.get(op);
  if (known) return known;
  const words = op.split(/(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+/).map((w) => w.toLowerCase());
  if (words.some((w) => COMMAND_WORDS.has(w)) || /Load(Op)?Library/.test(op)) {
    return { severity: "high", what: "is named like an op that runs commands or loads native code (not a TensorFlow op: it needs a custom library)" };
  }
  return undefined;
}

/**
 * True when a save/restore op sits in the Saver's own machinery: a node under the `save/` or `saver/`
 * name scope (numbered `save_1/` when a graph has several savers), or a scope named by the SaverDef,
 * or a TF2 function traced for checkpointing (`__inference__traced_save_NN`, `..._traced_restore_NN`).
 * Those ops only run when the program asks to save or restore, on the path it feeds. The same op
 * anywhere else writes or reads whatever the graph chose, so it is reported.
 */
export function isSaverMachinery(op: string, nodeName: string, fn: string | undefined, saverScopes: ReadonlySet<string>): boolean {
  if (!SAVE_RESTORE_OPS.has(op)) return false;
  if (fn !== undefined) return /_traced_(save|restore)_\d+$/.test(fn);
  const slash = nodeName.indexOf("/");
  if (slash < 0) return false;
  const scope = nodeName.slice(0, slash);
  return /^(save|saver)(_\d+)?$/.test(scope) || saverScopes.has(scope);
}
