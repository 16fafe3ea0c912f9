import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, notFoundPage, repositoryPage } from "./pages.js";

describe("pages", () => {
  it("escapes everything that comes from a URL or a repository", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
    const html = repositoryPage({ npub: "npub1x", identifier: "<script>", cloneUrl: "http://h/npub1x/%3Cscript%3E.git", relayUrl: "ws://h", refs: [], head: undefined });
    assert.equal(html.includes("<script>"), false);
    assert.equal(notFoundPage("/<img>", { httpUrl: "http://h", relayUrl: "ws://h" }).includes("<img>"), false);
  });

  it("lists the refs and HEAD of a repository with data", () => {
    const html = repositoryPage({
      npub: "npub1x",
      identifier: "web",
      cloneUrl: "http://h/npub1x/web.git",
      relayUrl: "ws://h",
      refs: [{ name: "refs/heads/main", commit: "1".repeat(40) }],
      head: "refs/heads/main",
    });
    assert.ok(html.includes("refs/heads/main") && html.includes("1".repeat(40)) && html.includes("git clone http://h/npub1x/web.git"));
  });
});
