// State decisions with many hosted repositories against the same with one: two policy
// processes, one hosting `repositories` repositories (copies of a template with data, then
// their announcements through the pipe, accepted at once) and one hosting a single one. After
// a warm-up that visits every repository once, both decide held states, each for a random
// repository of its own, interleaved; per event the answer time, and how many processes each
// policy process started meanwhile.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { benchServiceHost } from "./answers-bench.js";
import { announcementOf, benchAuthor, missingObjectId, requestLine, stateOf } from "./bench-events.js";
import type { BenchAuthor } from "./bench-events.js";
import { copyTemplate } from "./bench-git.js";
import { measuredStretch } from "./cpu-profile.js";
import type { TemplateRepository } from "./bench-git.js";
import { describeAnswers, interleaved } from "./interleave.js";
import type { PipeFigures } from "./interleave.js";
import { progress } from "./measure.js";
import type { PipedPlugin } from "./plugin-pipe.js";
import { policyEnvironment, startPolicy } from "./plugin-pipe.js";
import { countNewTasks } from "./process-count.js";
import type { TaskCount } from "./process-count.js";

export interface RepositoryFigures {
  repositories: number;
  events: number;
  one: PipeFigures & { tasks: TaskCount };
  many: PipeFigures & { tasks: TaskCount };
  /** Answers other than "held" during the setup or the run, if any. */
  problems: string[];
}

interface Hosting {
  label: string;
  policy: PipedPlugin;
  author: BenchAuthor;
  identifiers: string[];
}

async function host(dir: string, template: TemplateRepository, repositories: number, events: number, label: string): Promise<Hosting> {
  const author = benchAuthor(repositories + events * 2 + 1000);
  const gitRoot = join(dir, "git");
  mkdirSync(gitRoot, { recursive: true });
  const identifiers = Array.from({ length: repositories }, (_, index) => `repo-${index}`);
  for (const identifier of identifiers) copyTemplate(template, gitRoot, author.npub, identifier);
  const policy = startPolicy(policyEnvironment(gitRoot, join(dir, "data"), benchServiceHost), label);
  return { label, policy, author, identifiers };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

const randomOf = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

export async function benchRepositories(dir: string, template: TemplateRepository, repositories: number, events: number, chunkSize: number): Promise<RepositoryFigures> {
  const one = await host(join(dir, "one"), template, 1, events, "repositories-one");
  const many = await host(join(dir, "many"), template, repositories, events, `repositories-${repositories}`);
  const problems: string[] = [];
  try {
    progress(`${repositories} repositories: announcing them`);
    const announce = async ({ policy, author, identifiers }: Hosting) => {
      for (const identifier of identifiers) {
        const answer = await policy.ask(requestLine(announcementOf(author, identifier, benchServiceHost)));
        if (answer.action !== "accept") problems.push(`announcement of ${identifier}: ${answer.action} ${answer.msg}`);
      }
    };
    await announce(one);
    await announce(many);

    const states = ({ author }: Hosting, pick: () => string, count: number) =>
      Array.from({ length: count }, () => requestLine(stateOf(author, pick(), missingObjectId())));
    progress(`${repositories} repositories: warm-up, one state for each repository`);
    const manyOrder = shuffled(many.identifiers);
    let next = 0;
    const warmUpMany = states(many, () => manyOrder[next++]!, repositories);
    const warmUpOne = states(one, () => one.identifiers[0]!, repositories);
    await interleaved([{ plugin: one.policy, lines: warmUpOne }, { plugin: many.policy, lines: warmUpMany }], chunkSize);

    progress(`${repositories} repositories: ${events} state decisions each, against one repository`);
    const linesOne = states(one, () => one.identifiers[0]!, events);
    const linesMany = states(many, () => randomOf(many.identifiers), events);
    const counters = await Promise.all([countNewTasks(one.policy.pid), countNewTasks(many.policy.pid)]);
    const [figuresOne, figuresMany] = await measuredStretch([one.label, many.label], () =>
      interleaved([{ plugin: one.policy, lines: linesOne }, { plugin: many.policy, lines: linesMany }], chunkSize),
    );
    const [tasksOne, tasksMany] = await Promise.all(counters.map((counter) => counter.stop()));
    for (const [name, figures] of [["one repository", figuresOne!], [`${repositories} repositories`, figuresMany!]] as const) {
      if ([...figures.answers.keys()].some((key) => !key.startsWith("shadowReject"))) problems.push(`${name}: ${describeAnswers(figures.answers)}`);
    }
    return { repositories, events, one: { ...figuresOne!, tasks: tasksOne! }, many: { ...figuresMany!, tasks: tasksMany! }, problems };
  } finally {
    await Promise.all([one.policy.close(), many.policy.close()]);
  }
}
