// The deployment's files are templates in deploy/, reviewable as they are installed. The
// syntax is small on purpose: `{{name}}` inserts a plain value (paths, names, numbers: no
// spaces or quotes, so it is safe in every file type), `{{name|json}}`, `{{name|html}}` and
// `{{name|conf}}` escape free text for JSON strings, HTML and strfry.conf strings, and lines
// holding only `{{#name}}` / `{{^name}}` ... `{{/name}}` keep what they enclose when the value
// is (or is not) set.

import { GraspError } from "../errors.js";

export type TemplateValue = string | number | boolean | undefined;
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

/** What `{{name}}` accepts unescaped. */
const plain = /^[A-Za-z0-9._/:@+=,%*\[\]-]*$/;

const filters: Record<string, (text: string) => string> = {
  json: (text) => JSON.stringify(text).slice(1, -1),
  html: (text) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`),
  conf: (text) => text.replace(/[\\"]/g, (character) => `\\${character}`),
};

const isSet = (value: TemplateValue) => value !== undefined && value !== false && value !== "";

export function renderTemplate(templateName: string, text: string, values: TemplateValues): string {
  const problem = (what: string) => new GraspError(`template ${templateName}: ${what}`);
  const lookup = (name: string): TemplateValue => {
    if (!Object.hasOwn(values, name)) throw problem(`{{${name}}} has no value`);
    return values[name];
  };
  const open: { name: string; keep: boolean }[] = [];
  const output: string[] = [];
  for (const line of text.split("\n")) {
    const section = /^\s*\{\{([#^/])([\w]+)\}\}\s*$/.exec(line);
    if (section !== null) {
      const [, sigil, name] = section as unknown as [string, string, string];
      if (sigil === "/") {
        if (open.pop()?.name !== name) throw problem(`{{/${name}}} closes no open {{#${name}}}`);
      } else {
        open.push({ name, keep: (sigil === "#") === isSet(lookup(name)) });
      }
      continue;
    }
    if (open.some((section) => !section.keep)) continue;
    output.push(
      line.replace(/\{\{(\w+)(?:\|(\w+))?\}\}/g, (_match, name: string, filter: string | undefined) => {
        const value = lookup(name);
        const text = value === undefined || value === false ? "" : String(value);
        if (filter !== undefined) {
          const escape = filters[filter];
          if (escape === undefined) throw problem(`{{${name}|${filter}}}: unknown filter, use ${Object.keys(filters).join(", ")}`);
          return escape(text);
        }
        if (!plain.test(text)) throw problem(`{{${name}}} would insert ${JSON.stringify(text)}, which has characters a plain value may not have (spaces, quotes, ...)`);
        return text;
      }),
    );
  }
  if (open.length > 0) throw problem(`{{#${open[open.length - 1]!.name}}} is never closed`);
  return output.join("\n");
}
