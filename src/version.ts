/** The tool's name and version as reported in every output (kept in step with package.json by a test). */
export const TOOL_NAME = "vouch";
export const TOOL_VERSION = "0.1.0";
