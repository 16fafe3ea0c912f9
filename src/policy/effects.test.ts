import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, announcementCoordinate, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { planEffects } from "./effects.js";
import type { PlannedEffects } from "./effects.js";
import { noGitFacts } from "./git-facts.js";
import type { GitFacts, RepositoryFacts } from "./git-facts.js";
import { accept, hold, purgatoryMessage, reject } from "./verdict.js";
import type { Verdict } from "./verdict.js";

const owner = newAuthor();
const maintainer = newAuthor();
const contributor = newAuthor();
const A = "a".repeat(40);
const B = "b".repeat(40);
const tip = "c".repeat(40);
const wrongTip = "d".repeat(40);

const ownerRepo = `${owner.npub}/repo.git`;
const maintainerRepo = `${maintainer.npub}/repo.git`;
const thirdRepo = `${contributor.npub}/repo.git`;

function repository(name: string, facts: Partial<Omit<RepositoryFacts, "repository">> = {}): RepositoryFacts {
  return { repository: name, owner: owner.pubkey, hasData: true, missingObjects: [], nostrRef: undefined, ...facts };
}

const git = (...repositories: RepositoryFacts[]): GitFacts => ({ repositories });
const nothing: PlannedEffects = { afterStored: [], now: [] };
const held = hold(purgatoryMessage);

const pullRequest = (kind: number = kinds.GitPullRequest): NostrEvent =>
  contributor.sign({ kind, tags: [["a", announcementCoordinate(owner, "repo")], ["c", tip]] });

describe("planEffects", () => {
  describe("an accepted state", () => {
    it("aligns each repository it concerns, after strfry stores it, named by the state's d", () => {
      const state = repositoryState(owner, "repo");
      const planned = planEffects(
        state,
        accept(),
        git(repository(ownerRepo), repository(maintainerRepo, { owner: maintainer.pubkey, hasData: false })),
      );
      assert.deepEqual(planned, {
        now: [],
        afterStored: [
          { type: "align-repository", repository: ownerRepo, owner: owner.pubkey, identifier: "repo" },
          { type: "align-repository", repository: maintainerRepo, owner: maintainer.pubkey, identifier: "repo" },
        ],
      });
    });

    it("copies the missing objects from the first complete repository into those that lack them", () => {
      const state = repositoryState(owner, "repo", [["refs/heads/dev", B]]);
      const planned = planEffects(
        state,
        accept(),
        git(
          repository(thirdRepo, { owner: contributor.pubkey, missingObjects: [A, B] }),
          repository(ownerRepo),
          repository(maintainerRepo, { owner: maintainer.pubkey, missingObjects: [B] }),
        ),
      );
      assert.deepEqual(planned.now, []);
      assert.deepEqual(planned.afterStored, [
        { type: "align-repository", repository: thirdRepo, owner: contributor.pubkey, identifier: "repo", copyFrom: ownerRepo, objects: [A, B] },
        { type: "align-repository", repository: ownerRepo, owner: owner.pubkey, identifier: "repo" },
        { type: "align-repository", repository: maintainerRepo, owner: maintainer.pubkey, identifier: "repo", copyFrom: ownerRepo, objects: [B] },
      ]);
    });

    it("without a complete repository, aligns each without copying (there is nothing to copy from)", () => {
      const planned = planEffects(
        repositoryState(owner, "repo"),
        accept(),
        git(repository(ownerRepo, { missingObjects: [A] }), repository(maintainerRepo, { owner: maintainer.pubkey, missingObjects: [B] })),
      );
      assert.deepEqual(planned.afterStored, [
        { type: "align-repository", repository: ownerRepo, owner: owner.pubkey, identifier: "repo" },
        { type: "align-repository", repository: maintainerRepo, owner: maintainer.pubkey, identifier: "repo" },
      ]);
    });

    it("hands out its own copy of the missing objects", () => {
      const missing = [A];
      const planned = planEffects(repositoryState(owner, "repo"), accept(), git(repository(ownerRepo), repository(maintainerRepo, { missingObjects: missing })));
      const effect = planned.afterStored[1];
      assert.ok(effect?.type === "align-repository");
      assert.deepEqual(effect.objects, [A]);
      assert.notEqual(effect.objects, missing);
    });

    it("with no repositories (hosted elsewhere) plans nothing", () => {
      assert.deepEqual(planEffects(repositoryState(owner, "repo"), accept(), noGitFacts), nothing);
    });

    it("with no d aligns under the empty identifier", () => {
      const state = owner.sign({ kind: kinds.RepositoryState, tags: [["refs/heads/main", A]] });
      assert.deepEqual(planEffects(state, accept(), git(repository(ownerRepo))).afterStored, [
        { type: "align-repository", repository: ownerRepo, owner: owner.pubkey, identifier: "" },
      ]);
    });
  });

  it("a held state plans nothing: it waits for its data", () => {
    const facts = git(repository(ownerRepo, { missingObjects: [A] }), repository(maintainerRepo));
    assert.deepEqual(planEffects(repositoryState(owner, "repo"), held, facts), nothing);
  });

  describe("an accepted PR or PR update", () => {
    for (const [name, kind] of [
      ["PR", kinds.GitPullRequest],
      ["PR update", kinds.GitPullRequestUpdate],
    ] as const) {
      it(`${name}: sets refs/nostr/<id> after strfry stores it where the tip is present, replacing a wrong guess`, () => {
        const event = pullRequest(kind);
        const planned = planEffects(
          event,
          accept(),
          git(
            repository(ownerRepo),
            repository(maintainerRepo, { missingObjects: [tip] }),
            repository(thirdRepo, { nostrRef: tip }),
            repository(`${owner.npub}/other.git`, { nostrRef: wrongTip }),
          ),
        );
        assert.deepEqual(planned, {
          now: [],
          afterStored: [
            { type: "delete-ref", repository: `${owner.npub}/other.git`, ref: `refs/nostr/${event.id}`, expected: wrongTip },
            { type: "set-pull-request-ref", repository: ownerRepo, eventId: event.id, tip },
            { type: "set-pull-request-ref", repository: `${owner.npub}/other.git`, eventId: event.id, tip },
          ],
        });
      });
    }

    it("sets the ref in every repository that has the tip and no ref", () => {
      const event = pullRequest();
      assert.deepEqual(planEffects(event, accept(), git(repository(ownerRepo), repository(maintainerRepo))).afterStored, [
        { type: "set-pull-request-ref", repository: ownerRepo, eventId: event.id, tip },
        { type: "set-pull-request-ref", repository: maintainerRepo, eventId: event.id, tip },
      ]);
    });

    it("related only through events (no repositories here) plans nothing", () => {
      assert.deepEqual(planEffects(pullRequest(), accept(), noGitFacts), nothing);
    });
  });

  describe("a held PR", () => {
    it("deletes at once a ref that points elsewhere, expecting its old value", () => {
      const event = pullRequest();
      const planned = planEffects(
        event,
        held,
        git(
          repository(ownerRepo, { nostrRef: wrongTip, missingObjects: [tip] }),
          repository(maintainerRepo, { nostrRef: A, missingObjects: [tip] }),
          repository(thirdRepo, { missingObjects: [tip] }),
        ),
      );
      assert.deepEqual(planned, {
        afterStored: [],
        now: [
          { type: "delete-ref", repository: ownerRepo, ref: `refs/nostr/${event.id}`, expected: wrongTip },
          { type: "delete-ref", repository: maintainerRepo, ref: `refs/nostr/${event.id}`, expected: A },
        ],
      });
    });

    it("leaves alone a ref at the tip, and a repository without a ref", () => {
      const event = pullRequest(kinds.GitPullRequestUpdate);
      assert.deepEqual(planEffects(event, held, git(repository(ownerRepo, { nostrRef: tip }), repository(maintainerRepo, { missingObjects: [tip] }))), nothing);
    });
  });

  describe("plans nothing", () => {
    it("for a rejected event, whatever git says", () => {
      const facts = git(repository(ownerRepo, { nostrRef: wrongTip }), repository(maintainerRepo, { missingObjects: [A] }));
      assert.deepEqual(planEffects(repositoryState(owner, "repo"), reject("blocked: not a maintainer"), facts), nothing);
      assert.deepEqual(planEffects(pullRequest(), reject("invalid: bad tip"), facts), nothing);
      assert.deepEqual(planEffects(pullRequest(), reject("blocked: deleted by its author"), git(repository(ownerRepo))), nothing);
    });

    it("for other kinds, accepted or held", () => {
      const facts = git(repository(ownerRepo, { nostrRef: wrongTip }), repository(maintainerRepo, { missingObjects: [A] }));
      const verdicts: Verdict[] = [accept(), held];
      for (const verdict of verdicts) {
        assert.deepEqual(planEffects(announcement(owner, "repo"), verdict, facts), nothing);
        assert.deepEqual(planEffects(owner.sign({ kind: kinds.ShortTextNote }), verdict, facts), nothing);
        assert.deepEqual(planEffects(contributor.sign({ kind: kinds.Issue, tags: [["a", announcementCoordinate(owner, "repo")]] }), verdict, facts), nothing);
      }
    });
  });

  it("is pure: the same input gives the same plan, and the input is left as it was", () => {
    const event = repositoryState(owner, "repo");
    const facts = git(repository(ownerRepo), repository(maintainerRepo, { missingObjects: [A] }));
    const copy = structuredClone(facts);
    const first = planEffects(event, accept(), facts);
    assert.deepEqual(planEffects(event, accept(), facts), first);
    assert.deepEqual(facts, copy);
  });
});
