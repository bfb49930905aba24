/**
 * The GGUF metadata the BOM and policies use, from what the parser read (complete or not).
 */
import { fileTypeName, GGML_TYPES } from "./ggml-types.js";
import type { GgufContents, KvValue } from "./parse.js";

export interface GgufSummary {
  version?: number;
  /** Present only for big-endian files (little-endian is the norm). */
  byteOrder?: "big-endian";
  tensorCount?: number;
  kvCount?: number;
  /** `general.architecture` (`llama`, `qwen2`, ...). */
  architecture?: string;
  /** `general.name`. */
  name?: string;
  /** Sum of all tensors' element counts. Absent until the tensor infos were read. */
  parameters?: number;
  /** `general.file_type` and its llama.cpp name (`MOSTLY_Q4_K_M`): the quantization the file was made with. */
  fileType?: number;
  fileTypeName?: string;
  /** Tensors per ggml type (`{ Q4_K: 120, F32: 60 }`): the quantization as stored. */
  tensorTypes?: Record<string, number>;
  /** `<architecture>.context_length`. */
  contextLength?: number;
  /** Alignment of tensor data, when the file sets one. */
  alignment?: number;
  /** Keys of the chat templates present (`tokenizer.chat_template`, `tokenizer.chat_template.tool_use`). */
  chatTemplates: string[];
}

export function summarize(c: GgufContents, parameters: bigint | undefined): GgufSummary {
  const h = c.header;
  const arch = text(c.kv.get("general.architecture")?.value);
  const fileType = num(c.kv.get("general.file_type")?.value);
  const s: GgufSummary = {
    ...(h ? { version: h.version, tensorCount: h.tensorCount, kvCount: h.kvCount } : {}),
    ...(h && !h.littleEndian ? { byteOrder: "big-endian" as const } : {}),
    ...(arch !== undefined ? { architecture: arch } : {}),
    ...optional("name", text(c.kv.get("general.name")?.value)),
    ...(parameters !== undefined ? { parameters: Number(parameters) } : {}),
    ...optional("fileType", fileType),
    ...optional("fileTypeName", fileType !== undefined ? fileTypeName(fileType) : undefined),
    ...(c.infoEnd !== undefined ? { tensorTypes: tensorTypes(c) } : {}),
    ...optional("contextLength", arch !== undefined ? num(c.kv.get(`${arch}.context_length`)?.value) : undefined),
    ...optional("alignment", num(c.kv.get("general.alignment")?.value)),
    chatTemplates: [...c.kv.keys()].filter(isChatTemplateKey),
  };
  return s;
}

/** `tokenizer.chat_template` and its named variants `tokenizer.chat_template.<name>`. */
export function isChatTemplateKey(key: string): boolean {
  return key === "tokenizer.chat_template" || key.startsWith("tokenizer.chat_template.");
}

function tensorTypes(c: GgufContents): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of c.tensors) {
    const name = GGML_TYPES.get(t.type)?.name ?? `type-${t.type}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function optional<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}

function text(v: KvValue | undefined): string | undefined {
  return typeof v === "object" && v.kind === "string" ? v.text : undefined;
}

function num(v: KvValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n) return Number(v);
  return undefined;
}
