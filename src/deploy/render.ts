// The deployment's files, rendered from the templates in deploy/.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../paths.js";
import type { Deployment } from "./deployment.js";
import { deploymentFiles, templateValues } from "./deployment.js";
import { renderTemplate } from "./template.js";
import type { RenderedFile } from "./write-files.js";

export const templatesDir = join(projectRoot, "deploy");

export type ReadTemplate = (name: string) => string;

export const readTemplate: ReadTemplate = (name) => readFileSync(join(templatesDir, name), "utf8");

export function renderDeployment(deployment: Deployment, options: { stack: boolean }, read: ReadTemplate = readTemplate): RenderedFile[] {
  const values = templateValues(deployment);
  return deploymentFiles(deployment, options).map((file) => ({
    path: file.path,
    mode: file.mode,
    content: renderTemplate(file.template, read(file.template), values),
  }));
}
