/**
 * Turning template issues into findings, for every format that carries templates (GGUF metadata,
 * Hugging Face JSON configs, `.jinja` files). A per-artifact budget bounds the total text checked:
 * lexing and parsing cost about a second per MiB, and a file may hold any number of named templates.
 */
import type { ScanContext } from "../types.js";
import { checkTemplate, MAX_TEMPLATE_CHARS, unchecked, type TemplateIssue } from "./check.js";

/** Total template characters checked per artifact. */
export const MAX_TEMPLATE_CHARS_PER_ARTIFACT = 4 * MAX_TEMPLATE_CHARS;

/** Where a template was found, for messages and locations. */
export interface TemplateSite {
  /** How the template is named in messages: `tokenizer.chat_template`, `chat_template "tool_use"`, ... */
  label: string;
  /** Byte offset of the template text in the artifact, when known. */
  offset?: number;
}

/** Checks templates of one artifact against a shared budget and reports what they hold. */
export class TemplateChecker {
  private budget = MAX_TEMPLATE_CHARS_PER_ARTIFACT;
  /** Labels of the templates seen, checked or not, in order (for metadata). */
  readonly seen: string[] = [];

  constructor(private readonly ctx: ScanContext) {}

  check(template: string, site: TemplateSite): void {
    this.reportAll(this.evaluate(template), site);
  }

  /** The template's issues, counted against the artifact's budget (for callers that decide before reporting). */
  evaluate(template: string): TemplateIssue[] {
    if (this.ctx.signal.aborted) return [unchecked("the scan ran out of time")];
    if (template.length > this.budget) {
      return [unchecked(`the artifact's templates together exceed ${MAX_TEMPLATE_CHARS_PER_ARTIFACT} characters`)];
    }
    this.budget -= template.length;
    return checkTemplate(template);
  }

  reportAll(issues: readonly TemplateIssue[], site: TemplateSite): void {
    this.seen.push(site.label);
    for (const issue of issues) this.report(issue, site);
  }

  /** A template too long to read (its text was never loaded). */
  tooLong(length: number, site: TemplateSite): void {
    this.seen.push(site.label);
    this.report(unchecked(`it is ${length} bytes long, over the limit of ${MAX_TEMPLATE_CHARS} characters`), site);
  }

  private report(issue: TemplateIssue, site: TemplateSite): void {
    this.ctx.report({
      ruleId: issue.ruleId,
      severity: issue.severity,
      message: `${site.label}: ${issue.message}`,
      ...(issue.evidence !== undefined ? { evidence: issue.evidence } : {}),
      location: {
        ...(site.offset !== undefined ? { offset: site.offset } : {}),
        ...(issue.line !== undefined ? { line: issue.line, column: issue.column } : {}),
      },
    });
  }
}
