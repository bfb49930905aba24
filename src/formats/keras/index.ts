/**
 * Keras: the config checker shared by `.h5` models, `.keras` archives and bare JSON configs, the
 * marshal reader that takes Lambda bytecode apart without running it, and the Keras JSON handler.
 */
export { checkKerasConfig, type ConfigCheck, type ConfigCheckOptions, type ConfigFinding, type ConfigSummary } from "./config.js";
export { readMarshal, DEFAULT_MARSHAL_LIMITS, type MarshalValue, type MarshalCode, type MarshalLimits, type CodeLayout } from "./marshal.js";
export { summarizePayload, summarizeValue, describeSummary, decodeBase64, type CodeSummary } from "./bytecode.js";
export { classifyReference, isKerasModule, type Reference } from "./references.js";
export { kerasJsonHandler, MAX_KERAS_JSON_BYTES, KERAS_JSON_CONFIDENCE } from "./handler.js";
export { kerasJsonKind, topLevelKeys, type KerasJsonKind } from "./sniff.js";
