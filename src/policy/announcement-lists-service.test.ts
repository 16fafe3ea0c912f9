import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { parseServiceHost } from "../config.js";
import type { ServiceAddress } from "../config.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { announcement, cloneUrlFor, newAuthor, testServiceHost } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import { announcementListsService, missingServiceListings } from "./announcement-lists-service.js";
import { known, ruleInput, testView } from "./view-fixture.js";
import type { ServerView } from "./view.js";

const service = parseServiceHost(testServiceHost);

function decideAnnouncement(event: ReturnType<typeof announcement>, view: ServerView = testView(), on: ServiceAddress = service) {
  return announcementListsService({ service: on })(ruleInput(event, view));
}

describe("announcementListsService", () => {
  const owner = newAuthor();
  const stranger = newAuthor();

  it("ignores events that are not announcements", () => {
    const note = owner.sign({ kind: kinds.ShortTextNote, content: "hi" });
    assert.deepEqual(decideAnnouncement(note), { action: "accept", msg: "" });
  });

  describe("accepts an announcement whose clone and relays name this service", () => {
    const accepted: [string, TestAuthor, string, string[], string[]][] = [
      ["http clone, ws relay", owner, "repo", [cloneUrlFor(owner, "repo")], ["ws://127.0.0.1:7777"]],
      ["https clone, wss relay", owner, "repo", [cloneUrlFor(owner, "repo", testServiceHost, "https")], ["wss://127.0.0.1:7777"]],
      ["trailing slashes on both", owner, "repo", [`${cloneUrlFor(owner, "repo")}/`], ["ws://127.0.0.1:7777/"]],
      ["several trailing slashes", owner, "repo", [`${cloneUrlFor(owner, "repo")}//`], ["wss://127.0.0.1:7777//"]],
      ["d percent-encoded in the clone URL", owner, "my repo", [`http://127.0.0.1:7777/${owner.npub}/my%20repo.git`], ["ws://127.0.0.1:7777"]],
      ["d with a space written raw in the clone URL", owner, "my repo", [`http://127.0.0.1:7777/${owner.npub}/my repo.git`], ["ws://127.0.0.1:7777"]],
      ["unicode d, percent-encoded", owner, "dépôt", [cloneUrlFor(owner, "dépôt")], ["ws://127.0.0.1:7777"]],
      ["unicode d, written raw", owner, "dépôt", [`http://127.0.0.1:7777/${owner.npub}/dépôt.git`], ["ws://127.0.0.1:7777"]],
      ["d with '?' percent-encoded", owner, "what?", [cloneUrlFor(owner, "what?")], ["ws://127.0.0.1:7777"]],
      [
        "our URLs among others",
        owner,
        "repo",
        ["https://github.com/someone/repo.git", cloneUrlFor(owner, "repo")],
        ["wss://relay.damus.io", "ws://127.0.0.1:7777"],
      ],
    ];
    for (const [name, author, d, clone, relays] of accepted) {
      it(name, () => {
        assert.deepEqual(decideAnnouncement(announcement(author, d, { clone, relays })), { action: "accept", msg: "" });
      });
    }

    it("clone and relays spread over several tags", () => {
      const event = announcement(owner, "repo", {
        clone: [],
        relays: [],
        extraTags: [
          ["clone", "https://github.com/someone/repo.git"],
          ["clone", cloneUrlFor(owner, "repo")],
          ["relays", "wss://relay.damus.io"],
          ["relays", "ws://127.0.0.1:7777"],
        ],
      });
      assert.equal(decideAnnouncement(event).action, "accept");
    });
  });

  describe("rejects URLs that only look like this service", () => {
    const goodRelay = ["ws://127.0.0.1:7777"];
    const rejectedClones: [string, (author: TestAuthor) => string][] = [
      ["another owner's npub", () => cloneUrlFor(stranger, "repo")],
      ["no .git suffix", (a) => `http://127.0.0.1:7777/${a.npub}/repo`],
      ["upper-case .GIT suffix", (a) => `http://127.0.0.1:7777/${a.npub}/repo.GIT`],
      ["another d", (a) => cloneUrlFor(a, "other")],
      ["our host in the path of another host", (a) => `http://evil.com/127.0.0.1:7777/${a.npub}/repo.git`],
      ["our host as a prefix of another host", (a) => `http://127.0.0.1:7777.evil.com/${a.npub}/repo.git`],
      ["our host as the userinfo of another host", (a) => `http://127.0.0.1:7777@evil.com/${a.npub}/repo.git`],
      ["userinfo in front of our host", (a) => `http://user:pass@127.0.0.1:7777/${a.npub}/repo.git`],
      ["another port", (a) => `http://127.0.0.1:7778/${a.npub}/repo.git`],
      ["no port (the configured one is 7777)", (a) => `http://127.0.0.1/${a.npub}/repo.git`],
      ["a path prefix", (a) => `http://127.0.0.1:7777/git/${a.npub}/repo.git`],
      ["an extra segment", (a) => `http://127.0.0.1:7777/${a.npub}/repo.git/info`],
      ["a doubled slash", (a) => `http://127.0.0.1:7777//${a.npub}/repo.git`],
      ["a query", (a) => `http://127.0.0.1:7777/${a.npub}/repo.git?x=1`],
      ["a fragment", (a) => `http://127.0.0.1:7777/${a.npub}/repo.git#x`],
      ["a git:// URL", (a) => `git://127.0.0.1:7777/${a.npub}/repo.git`],
      ["an ssh URL", (a) => `ssh://127.0.0.1:7777/${a.npub}/repo.git`],
      ["a ws:// clone URL", (a) => `ws://127.0.0.1:7777/${a.npub}/repo.git`],
      ["not a URL", (a) => `127.0.0.1:7777/${a.npub}/repo.git`],
      ["an invalid percent escape", (a) => `http://127.0.0.1:7777/${a.npub}/repo%E0.git`],
    ];
    for (const [name, clone] of rejectedClones) {
      it(`clone URL with ${name}`, () => {
        const verdict = decideAnnouncement(announcement(owner, "repo", { clone: [clone(owner)], relays: goodRelay }));
        assert.equal(verdict.action, "reject");
        assert.match(verdict.msg, /^blocked: announcement does not list this server: add a clone URL /);
      });
    }

    const rejectedRelays: [string, string][] = [
      ["our host in the path of another host", "wss://evil.com/127.0.0.1:7777"],
      ["our host as the userinfo of another host", "ws://127.0.0.1:7777@evil.com"],
      ["another port", "ws://127.0.0.1:7778"],
      ["no port (the configured one is 7777)", "ws://127.0.0.1"],
      ["a path", "ws://127.0.0.1:7777/relay"],
      ["an http:// scheme", "http://127.0.0.1:7777"],
      ["a query", "ws://127.0.0.1:7777/?x=1"],
      ["not a URL", "127.0.0.1:7777"],
    ];
    for (const [name, relay] of rejectedRelays) {
      it(`relay URL with ${name}`, () => {
        const verdict = decideAnnouncement(announcement(owner, "repo", { clone: [cloneUrlFor(owner, "repo")], relays: [relay] }));
        assert.deepEqual(verdict, {
          action: "reject",
          msg: "blocked: announcement does not list this server: add a relay URL ws(s)://127.0.0.1:7777",
        });
      });
    }
  });

  describe("host and port matching", () => {
    const named = (serviceHost: string, clone: string, relay: string) => {
      const on = parseServiceHost(serviceHost);
      const event = announcement(owner, "repo", {
        clone: [clone.replace("NPUB", owner.npub)],
        relays: [relay],
      });
      return decideAnnouncement(event, testView(), on).action;
    };

    it("compares the host case-insensitively", () => {
      assert.equal(named("Git.Example.com", "https://GIT.EXAMPLE.COM/NPUB/repo.git", "wss://git.EXAMPLE.com"), "accept");
    });

    it("with no configured port, accepts URLs without a port, or with the scheme's default port (which URL parsing drops)", () => {
      assert.equal(named("git.example.com", "https://git.example.com/NPUB/repo.git", "wss://git.example.com"), "accept");
      assert.equal(named("git.example.com", "http://git.example.com/NPUB/repo.git", "ws://git.example.com"), "accept");
      assert.equal(named("git.example.com", "https://git.example.com:443/NPUB/repo.git", "wss://git.example.com:443"), "accept");
      assert.equal(named("git.example.com", "http://git.example.com:80/NPUB/repo.git", "ws://git.example.com:80/"), "accept");
    });

    it("with no configured port, rejects any other explicit port", () => {
      assert.equal(named("git.example.com", "https://git.example.com:8443/NPUB/repo.git", "wss://git.example.com"), "reject");
      assert.equal(named("git.example.com", "http://git.example.com:443/NPUB/repo.git", "wss://git.example.com"), "reject");
      assert.equal(named("git.example.com", "https://git.example.com/NPUB/repo.git", "wss://git.example.com:80"), "reject");
    });

    it("with a configured port, accepts it written or implied by the scheme", () => {
      assert.equal(named("git.example.com:443", "https://git.example.com/NPUB/repo.git", "wss://git.example.com"), "accept");
      assert.equal(named("git.example.com:443", "https://git.example.com:443/NPUB/repo.git", "wss://git.example.com:443"), "accept");
      assert.equal(named("git.example.com:443", "http://git.example.com:443/NPUB/repo.git", "ws://git.example.com:443"), "accept");
      assert.equal(named("git.example.com:80", "http://git.example.com/NPUB/repo.git", "ws://git.example.com"), "accept");
    });

    it("with a configured port, rejects URLs whose port (explicit or implied) differs", () => {
      assert.equal(named("git.example.com:443", "http://git.example.com/NPUB/repo.git", "wss://git.example.com"), "reject");
      assert.equal(named("git.example.com:80", "https://git.example.com/NPUB/repo.git", "ws://git.example.com"), "reject");
      assert.equal(named("git.example.com:7777", "http://git.example.com:7778/NPUB/repo.git", "ws://git.example.com:7777"), "reject");
    });

    it("rejects another host that merely ends with ours", () => {
      assert.equal(named("example.com", "https://evil-example.com/NPUB/repo.git", "wss://example.com"), "reject");
      assert.equal(named("example.com", "https://example.com/NPUB/repo.git", "wss://git.example.com"), "reject");
    });
  });

  describe("names what to add", () => {
    it("when the clone URL is listed and the relay is not", () => {
      const verdict = decideAnnouncement(announcement(owner, "repo", { relays: ["wss://relay.damus.io"] }));
      assert.deepEqual(verdict, {
        action: "reject",
        msg: "blocked: announcement does not list this server: add a relay URL ws(s)://127.0.0.1:7777",
      });
    });

    it("when the relay is listed and the clone URL is not, giving the exact URL with d percent-encoded", () => {
      const verdict = decideAnnouncement(announcement(owner, "my repo", { clone: ["https://github.com/x/y.git"] }));
      assert.deepEqual(verdict, {
        action: "reject",
        msg: `blocked: announcement does not list this server: add a clone URL http(s)://127.0.0.1:7777/${owner.npub}/my%20repo.git`,
      });
    });

    it("when neither is listed", () => {
      const verdict = decideAnnouncement(announcement(owner, "repo", { clone: [], relays: [] }));
      assert.equal(verdict.action, "reject");
      assert.equal(
        verdict.msg,
        `blocked: announcement does not list this server: add a clone URL http(s)://127.0.0.1:7777/${owner.npub}/repo.git and a relay URL ws(s)://127.0.0.1:7777`,
      );
    });

    it("missingServiceListings is empty for an announcement that lists us", () => {
      assert.deepEqual(missingServiceListings(readAnnouncement(announcement(owner, "repo")), service), []);
    });
  });

  describe("the maintainer exception", () => {
    const notListingUs = { clone: ["https://github.com/x/repo.git"], relays: ["wss://relay.damus.io"] };

    it("accepts an announcement not listing us from the owner of a hosted announcement with the same d", () => {
      const hosted = announcement(owner, "repo");
      const view = testView({ announcements: [known(hosted)] });
      assert.equal(decideAnnouncement(announcement(owner, "repo", notListingUs), view).action, "accept");
    });

    it("accepts one from a maintainer listed by the hosted announcement", () => {
      const maintainer = newAuthor();
      const view = testView({ announcements: [known(announcement(owner, "repo", { maintainers: [maintainer.pubkey] }))] });
      assert.equal(decideAnnouncement(announcement(maintainer, "repo", notListingUs), view).action, "accept");
    });

    it("accepts one from a maintainer of a maintainer (recursively)", () => {
      const first = newAuthor();
      const second = newAuthor();
      const view = testView({
        announcements: [
          known(announcement(owner, "repo", { maintainers: [first.pubkey] })),
          known(announcement(first, "repo", { ...notListingUs, maintainers: [second.pubkey] }), false),
        ],
      });
      assert.equal(decideAnnouncement(announcement(second, "repo", notListingUs), view).action, "accept");
    });

    it("rejects one from a stranger", () => {
      const view = testView({ announcements: [known(announcement(owner, "repo", { maintainers: [newAuthor().pubkey] }))] });
      const verdict = decideAnnouncement(announcement(stranger, "repo", notListingUs), view);
      assert.equal(verdict.action, "reject");
      assert.match(verdict.msg, /^blocked: announcement does not list this server: add a clone URL /);
    });

    it("rejects one from a maintainer of a hosted repository with another d", () => {
      const maintainer = newAuthor();
      const view = testView({ announcements: [known(announcement(owner, "repo", { maintainers: [maintainer.pubkey] }))] });
      assert.equal(decideAnnouncement(announcement(maintainer, "other", notListingUs), view).action, "reject");
    });

    it("an announcement that does not list us does not make its author an owner, nor its maintainers maintainers", () => {
      const maintainer = newAuthor();
      const view = testView({
        announcements: [known(announcement(owner, "repo", { ...notListingUs, maintainers: [maintainer.pubkey] }), false)],
      });
      assert.equal(decideAnnouncement(announcement(owner, "repo", notListingUs), view).action, "reject");
      assert.equal(decideAnnouncement(announcement(maintainer, "repo", notListingUs), view).action, "reject");
    });

    it("is not symmetric: listing a hosted owner as your maintainer does not make you theirs", () => {
      const host = newAuthor();
      const view = testView({
        announcements: [
          known(announcement(host, "repo")),
          known(announcement(owner, "repo", { ...notListingUs, maintainers: [host.pubkey] }), false),
        ],
      });
      assert.equal(decideAnnouncement(announcement(owner, "repo", notListingUs), view).action, "reject");
    });
  });
});
