/**
 * Hugging Face JSON configs: chat templates (checked by ../chat-template) and auto_map remote code.
 */
export { hfJsonHandler, MAX_JSON_BYTES } from "./handler.js";
export { templatesOf, templatesInRawText, type FoundTemplate } from "./templates.js";
export { remoteCodeOf, type RemoteCode } from "./remote-code.js";
