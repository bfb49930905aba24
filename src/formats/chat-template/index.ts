/**
 * Chat templates: the server-side template injection check shared by every format that carries
 * Jinja templates (GGUF metadata, Hugging Face JSON configs, `.jinja` files).
 */
export { checkTemplate, MAX_TEMPLATE_CHARS, MAX_AST_DEPTH, MAX_ISSUES, type TemplateIssue, type TemplateLimits } from "./check.js";
export { TemplateChecker, MAX_TEMPLATE_CHARS_PER_ARTIFACT, type TemplateSite } from "./report.js";
export { chatTemplateHandler } from "./handler.js";
