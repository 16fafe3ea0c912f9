import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseServiceHost } from "../config.js";
import { isOurCloneUrl, isOurRelayUrl } from "./service-urls.js";

const npub = "npub1examplexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

describe("isOurCloneUrl", () => {
  const service = parseServiceHost("Git.Example.com:8080");

  it("matches the parsed URL, not its text", () => {
    assert.equal(isOurCloneUrl(`http://git.example.com:8080/${npub}/repo.git`, service, npub, "repo"), true);
    assert.equal(isOurCloneUrl(`HTTPS://GIT.EXAMPLE.COM:8080/${npub}/repo.git/`, service, npub, "repo"), true);
    assert.equal(isOurCloneUrl(`http://git.example.com:8080/${npub}/./repo.git`, service, npub, "repo"), true);
  });

  it("decodes d before comparing, and refuses what does not decode", () => {
    assert.equal(isOurCloneUrl(`http://git.example.com:8080/${npub}/a%2Fb.git`, service, npub, "a/b"), true);
    assert.equal(isOurCloneUrl(`http://git.example.com:8080/${npub}/100%25.git`, service, npub, "100%"), true);
    assert.equal(isOurCloneUrl(`http://git.example.com:8080/${npub}/100%.git`, service, npub, "100%"), false);
  });

  it("refuses values that are not URLs without throwing", () => {
    for (const value of ["", "not a url", "http://", "http://[::1", "http://git.example.com:99999/x"]) {
      assert.equal(isOurCloneUrl(value, service, npub, "repo"), false, value);
    }
  });
});

describe("isOurRelayUrl", () => {
  it("accepts only an empty path, with or without trailing slashes", () => {
    const service = parseServiceHost("[::1]:7777");
    assert.equal(isOurRelayUrl("ws://[::1]:7777", service), true);
    assert.equal(isOurRelayUrl("wss://[::1]:7777///", service), true);
    assert.equal(isOurRelayUrl("ws://[::1]:7777/nostr", service), false);
    assert.equal(isOurRelayUrl("ws://[::2]:7777", service), false);
    assert.equal(isOurRelayUrl("ws://[::1]:7777#frag", service), false);
  });
});
