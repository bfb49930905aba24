/**
 * Python source shipped with models (remote code): recognised by name or content, parsed with
 * tree-sitter, checked for process execution, dynamic code, network use, file access outside the
 * model folder and obfuscation. Never executed.
 */
export { pythonHandler, PYTHON_LIMITS } from "./handler.js";
export { sniffPython, hasPythonName, statementLines, PYTHON_CONFIDENCE } from "./sniff.js";
export { analyse, isEncodedBlob, ENCODED_LITERAL_MIN, type PyFinding } from "./analyse.js";
export { NameTable, rootIdentifier, stringLiteral } from "./names.js";
export { parsePython, type ParseLimits } from "./parser.js";
