/**
 * GGUF (llama.cpp models): header, metadata and tensor-table parsing, layout checks, and the chat
 * templates in the metadata (checked by ../chat-template).
 */
export { ggufHandler, sniffGguf, MAX_REPORTED_PER_RULE } from "./handler.js";
export { parseGguf, GgufContents, DEFAULT_LIMITS, SUPPORTED_VERSIONS, type GgufLimits, type GgufCallbacks, type GgufHeader, type KvEntry, type TensorInfo } from "./parse.js";
export { checkLayout, DEFAULT_ALIGNMENT, type Layout, type LayoutIssue } from "./layout.js";
export { summarize, isChatTemplateKey, type GgufSummary } from "./summary.js";
export { GGML_TYPES, fileTypeName, type GgmlType } from "./ggml-types.js";
