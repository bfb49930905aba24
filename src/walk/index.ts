/** Enumerating a model's files: the walker and the model-relative path rules it shares with others. */
export { walkModel, manifestName, GIT_PATHS, type WalkedFile, type WalkOptions } from "./walker.js";
export { comparePaths, escapesRoot, normalizeRelativeName, relativeNameProblem, toModelRelative } from "./paths.js";
