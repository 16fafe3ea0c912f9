// Decisions with a large purgatory against an empty one: two policy processes, one whose store
// already holds `held` entries (other authors' states for 1,000 other repositories), one whose
// store is empty; both decide the same kind of held states for a repository of their own,
// interleaved. Then each one's memory, resident now and at its peak.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.js";
import { benchServiceHost } from "./answers-bench.js";
import { announcementOf, benchAuthor, missingObjectId, requestLine, stateOf } from "./bench-events.js";
import { copyTemplate } from "./bench-git.js";
import { measuredStretch } from "./cpu-profile.js";
import type { TemplateRepository } from "./bench-git.js";
import { fillStore } from "./held-store.js";
import { describeAnswers, interleaved } from "./interleave.js";
import type { PipeFigures } from "./interleave.js";
import { progress, sleep } from "./measure.js";
import { memoryMiB, policyEnvironment, startPolicy } from "./plugin-pipe.js";

export interface HeldStoreFigures {
  held: number;
  events: number;
  empty: PipeFigures & { memory: { rss: number; peak: number } };
  full: PipeFigures & { memory: { rss: number; peak: number } };
  problems: string[];
}

function prepare(dir: string, template: TemplateRepository, held: number) {
  const author = benchAuthor(100_000);
  const gitRoot = join(dir, "git");
  const dataDir = join(dir, "data");
  mkdirSync(gitRoot, { recursive: true });
  copyTemplate(template, gitRoot, author.npub, "bench");
  const env = policyEnvironment(gitRoot, dataDir, benchServiceHost);
  if (held > 0) fillStore(loadConfig({ env }), held);
  return { author, env };
}

export async function benchHeldStore(dir: string, template: TemplateRepository, held: number, events: number, chunkSize: number): Promise<HeldStoreFigures> {
  progress(`${held} held entries: filling the store`);
  const empty = prepare(join(dir, "empty"), template, 0);
  const full = prepare(join(dir, "full"), template, held);
  const policies = [startPolicy(empty.env, "held-empty"), startPolicy(full.env, `held-${held}`)] as const;
  const problems: string[] = [];
  try {
    const lines = (author: typeof empty.author, count: number) => Array.from({ length: count }, () => requestLine(stateOf(author, "bench", missingObjectId())));
    const warmUp = (author: typeof empty.author) => [requestLine(announcementOf(author, "bench", benchServiceHost)), ...lines(author, Math.max(50, events / 10))];
    await interleaved([{ plugin: policies[0], lines: warmUp(empty.author) }, { plugin: policies[1], lines: warmUp(full.author) }], chunkSize);
    progress(`${held} held entries: ${events} state decisions each, against an empty store`);
    const labels = ["held-empty", `held-${held}`];
    const [figuresEmpty, figuresFull] = await measuredStretch(labels, () =>
      interleaved(
        [
          { plugin: policies[0], lines: lines(empty.author, events) },
          { plugin: policies[1], lines: lines(full.author, events) },
        ],
        chunkSize,
      ),
    );
    for (const [name, figures] of [["empty store", figuresEmpty!], [`${held} held`, figuresFull!]] as const) {
      if ([...figures.answers.keys()].some((key) => !key.startsWith("shadowReject"))) problems.push(`${name}: ${describeAnswers(figures.answers)}`);
    }
    // At least one catch-up (every 2 s) has run in both by now; let a last one finish.
    await sleep(2500);
    return {
      held,
      events,
      empty: { ...figuresEmpty!, memory: memoryMiB(policies[0].pid) },
      full: { ...figuresFull!, memory: memoryMiB(policies[1].pid) },
      problems,
    };
  } finally {
    await Promise.all(policies.map((policy) => policy.close()));
  }
}
