import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Effect } from "../policy/effects.js";
import type { Db } from "./database.js";
import { jobs } from "./jobs.js";
import type { Job, Jobs } from "./jobs.js";
import { storeFixture } from "./store-fixture.js";


/** When the soonest ready job is due, found through due() alone (it answers for "due by t"). */
function nextDueAt(queue: Jobs): number | undefined {
  if (queue.due(Number.MAX_SAFE_INTEGER, 1).length === 0) return undefined;
  let [low, high] = [0, Number.MAX_SAFE_INTEGER];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (queue.due(middle, 1).length > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

const stores = storeFixture("jobs");
function freshJobs(): { queue: Jobs; db: Db; path: string } {
  const { db, path } = stores.fresh();
  return { queue: jobs(db), db, path };
}

const eventA = "a".repeat(64);
const eventB = "b".repeat(64);
const tip = "c".repeat(40);
const align = (identifier: string): Effect => ({ type: "align-repository", repository: `npub1owner/${identifier}.git`, owner: "0".repeat(64), identifier });
const setRef = (eventId: string): Effect => ({ type: "set-pull-request-ref", repository: "npub1owner/repo.git", eventId, tip });
const copy: Effect = {
  type: "align-repository",
  repository: "npub1maintainer/repo.git",
  owner: "1".repeat(64),
  identifier: "repo",
  copyFrom: "npub1owner/repo.git",
  objects: [tip],
};

const effects = (due: Job[]) => due.map((job) => job.effect);
const everything = Number.MAX_SAFE_INTEGER;

describe("jobs", () => {
  it("starts empty", () => {
    const { queue } = freshJobs();
    assert.deepEqual(queue.due(everything, 100), []);
    assert.equal(nextDueAt(queue), undefined);
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 0 });
  });

  it("gives a ready job back as it was enqueued, due from `now`", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [copy], true, 1000);
    assert.deepEqual(queue.due(999, 10), []);
    const [job, ...rest] = queue.due(1000, 10);
    assert.deepEqual(rest, []);
    assert.equal(typeof job!.seq, "number");
    assert.deepEqual({ ...job, seq: 0 }, { seq: 0, eventId: eventA, effect: copy, attempts: 0 });
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 1 });
    assert.equal(nextDueAt(queue), 1000);
  });

  it("records the same effect of the same event once, however often it is enqueued", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("repo"), align("repo")], true, 1000);
    queue.enqueue(eventA, [align("repo")], true, 2000);
    assert.deepEqual(effects(queue.due(everything, 10)), [align("repo")]);
    assert.equal(queue.due(everything, 10)[0]!.eventId, eventA);
    assert.equal(nextDueAt(queue), 1000, "enqueuing again does not reschedule it");
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 1 });
  });

  it("records different effects of one event, and the same effect of different events, apart", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("repo"), align("other"), setRef(eventA)], true, 1000);
    queue.enqueue(eventB, [align("repo")], true, 1000);
    const due = queue.due(everything, 10);
    assert.deepEqual(
      due.map((job) => [job.eventId, job.effect]),
      [
        [eventA, align("repo")],
        [eventA, align("other")],
        [eventA, setRef(eventA)],
        [eventB, align("repo")],
      ],
    );
    assert.equal(new Set(due.map((job) => job.seq)).size, 4);
  });

  it("enqueuing no effects records nothing", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [], true, 1000);
    queue.enqueue(eventA, [], false, 1000);
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 0 });
  });

  describe("waiting for strfry", () => {
    it("a waiting job is not due, whatever the time, until markReady; then it is due from then", () => {
      const { queue } = freshJobs();
      queue.enqueue(eventA, [align("repo")], false, 1000);
      assert.deepEqual(queue.due(everything, 10), []);
      assert.equal(nextDueAt(queue), undefined, "a waiting job has no due time");
      assert.deepEqual(queue.counts(), { waiting: 1, ready: 0 });

      queue.markReady(eventA, 5000);
      assert.deepEqual(queue.due(4999, 10), []);
      assert.deepEqual(effects(queue.due(5000, 10)), [align("repo")]);
      assert.equal(nextDueAt(queue), 5000);
      assert.deepEqual(queue.counts(), { waiting: 0, ready: 1 });
    });

    it("markReady releases only that event's jobs", () => {
      const { queue } = freshJobs();
      queue.enqueue(eventA, [align("repo")], false, 1000);
      queue.enqueue(eventB, [align("other")], false, 1000);
      queue.markReady(eventA, 1000);
      assert.deepEqual(queue.due(everything, 10).map((job) => job.eventId), [eventA]);
      assert.deepEqual(queue.counts(), { waiting: 1, ready: 1 });
    });

    it("markReady leaves a ready job's schedule alone (a retry set for later stays later)", () => {
      const { queue } = freshJobs();
      queue.enqueue(eventA, [align("repo")], true, 1000);
      const [job] = queue.due(1000, 10);
      queue.failed(job!.seq, 9000, "git: busy");
      queue.markReady(eventA, 2000);
      assert.deepEqual(queue.due(8999, 10), []);
      assert.equal(nextDueAt(queue), 9000);
    });

    it("discardWaiting removes the event's waiting jobs and nothing else", () => {
      const { queue } = freshJobs();
      queue.enqueue(eventA, [align("repo")], false, 1000);
      queue.enqueue(eventA, [setRef(eventA)], true, 1000);
      queue.enqueue(eventB, [align("repo")], false, 1000);
      queue.discardWaiting(eventA);
      assert.deepEqual(queue.counts(), { waiting: 1, ready: 1 });
      assert.deepEqual(effects(queue.due(everything, 10)), [setRef(eventA)], "eventA's ready job stays");
      queue.markReady(eventA, 1000);
      assert.deepEqual(effects(queue.due(everything, 10)), [setRef(eventA)], "the discarded one does not come back");
      queue.markReady(eventB, 1000);
      assert.deepEqual(queue.due(everything, 10).map((job) => job.eventId), [eventA, eventB]);
    });

    it("a discarded job may be enqueued again", () => {
      const { queue } = freshJobs();
      queue.enqueue(eventA, [align("repo")], false, 1000);
      queue.discardWaiting(eventA);
      queue.enqueue(eventA, [align("repo")], true, 2000);
      assert.deepEqual(effects(queue.due(2000, 10)), [align("repo")]);
    });
  });

  it("due lists the soonest first (ties in order of enqueuing), at most `limit`", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("late")], true, 3000);
    queue.enqueue(eventA, [align("first")], true, 1000);
    queue.enqueue(eventB, [align("second")], true, 1000);
    queue.enqueue(eventB, [align("middle")], true, 2000);
    queue.enqueue(eventB, [align("future")], true, 9000);
    assert.deepEqual(effects(queue.due(3000, 10)), [align("first"), align("second"), align("middle"), align("late")]);
    assert.deepEqual(effects(queue.due(3000, 2)), [align("first"), align("second")]);
    assert.deepEqual(effects(queue.due(1500, 10)), [align("first"), align("second")]);
    assert.deepEqual(queue.due(3000, 0), []);
  });

  it("done removes the job for good", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("repo"), align("other")], true, 1000);
    const [first] = queue.due(1000, 1);
    queue.done(first!.seq);
    assert.deepEqual(effects(queue.due(everything, 10)), [align("other")]);
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 1 });
    queue.done(first!.seq);
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 1 }, "done twice is harmless");
  });

  it("failed counts the attempt and schedules the next one at `at`", () => {
    const { queue, db } = freshJobs();
    queue.enqueue(eventA, [align("repo")], true, 1000);
    queue.enqueue(eventB, [align("other")], true, 1500);
    const [job] = queue.due(1000, 1);
    queue.failed(job!.seq, 4000, "git: cannot lock ref");
    assert.deepEqual(queue.due(3999, 10).map((due) => due.eventId), [eventB], "not due before `at`");
    assert.equal(nextDueAt(queue), 1500);
    assert.deepEqual(queue.due(4000, 10).map((due) => [due.eventId, due.attempts]), [
      [eventB, 0],
      [eventA, 1],
    ]);

    queue.failed(job!.seq, 8000, "again");
    assert.equal(queue.due(8000, 10).find((due) => due.seq === job!.seq)?.attempts, 2);
    assert.deepEqual(queue.counts(), { waiting: 0, ready: 2 }, "a failed job stays ready");
    assert.deepEqual(db.prepare("SELECT last_error FROM jobs WHERE seq = ?").get(job!.seq), { last_error: "again" });
  });

  it("failed keeps at most 1000 characters of the error", () => {
    const { queue, db } = freshJobs();
    queue.enqueue(eventA, [align("repo")], true, 1000);
    const [job] = queue.due(1000, 1);
    queue.failed(job!.seq, 2000, "x".repeat(5000));
    assert.deepEqual(db.prepare("SELECT length(last_error) AS length FROM jobs WHERE seq = ?").get(job!.seq), { length: 1000 });
  });

  it("the soonest ready job is due first, waiting ones aside", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("waiting")], false, 100);
    queue.enqueue(eventB, [align("later")], true, 3000);
    queue.enqueue(eventB, [align("sooner")], true, 2000);
    assert.equal(nextDueAt(queue), 2000);
    const [sooner] = queue.due(2000, 1);
    queue.done(sooner!.seq);
    assert.equal(nextDueAt(queue), 3000);
  });

  it("counts waiting and ready jobs", () => {
    const { queue } = freshJobs();
    queue.enqueue(eventA, [align("one"), align("two")], false, 1000);
    queue.enqueue(eventB, [align("one"), align("two"), align("three")], true, 1000);
    assert.deepEqual(queue.counts(), { waiting: 2, ready: 3 });
  });

  it("survives closing and reopening the same file: waiting, ready, attempts and schedule", () => {
    const { queue, db, path } = freshJobs();
    queue.enqueue(eventA, [align("repo")], false, 1000);
    queue.enqueue(eventB, [copy], true, 1000);
    const [job] = queue.due(1000, 1);
    queue.failed(job!.seq, 6000, "offline");
    db.close();

    const again = jobs(stores.open(path));
    assert.deepEqual(again.counts(), { waiting: 1, ready: 1 });
    assert.equal(nextDueAt(again), 6000);
    assert.deepEqual(again.due(6000, 10), [{ seq: job!.seq, eventId: eventB, effect: copy, attempts: 1 }]);
    again.enqueue(eventB, [copy], true, 7000);
    assert.equal(again.due(everything, 10).length, 1, "still recorded once after reopening");
    again.markReady(eventA, 7000);
    assert.deepEqual(effects(again.due(7000, 10)), [copy, align("repo")]);
  });

  it("is shared by two connections to one file (the policy and the CLI)", () => {
    const { queue, path } = freshJobs();
    const other = jobs(stores.open(path));
    queue.enqueue(eventA, [align("repo")], true, 1000);
    assert.deepEqual(other.due(1000, 10).map((job) => job.eventId), [eventA]);
  });
});
