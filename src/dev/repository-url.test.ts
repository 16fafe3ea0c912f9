import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as nip19 from "nostr-tools/nip19";
import { generateSecretKey, getPublicKey } from "nostr-tools/pure";
import { repositoryUrlPath, routeRepositoryPath } from "./repository-url.js";

const pubkey = getPublicKey(generateSecretKey());
const npub = nip19.npubEncode(pubkey);

describe("routeRepositoryPath", () => {
  it("names the page of a repository, with or without a trailing slash", () => {
    for (const path of [`/${npub}/web.git`, `/${npub}/web.git/`]) {
      assert.deepEqual(routeRepositoryPath(path), { kind: "page", npub, pubkey, identifier: "web" });
    }
  });

  it("decodes the identifier and passes git http-backend's files through", () => {
    assert.deepEqual(routeRepositoryPath(`/${npub}/my%20repo%20%C3%BC.git/info/refs`), {
      kind: "git",
      gitPath: "info/refs",
      npub,
      pubkey,
      identifier: "my repo ü",
    });
    for (const gitPath of ["git-upload-pack", "git-receive-pack", "HEAD", "objects/info/packs", `objects/ab/${"c".repeat(38)}`, `objects/pack/pack-${"d".repeat(40)}.idx`]) {
      assert.equal(routeRepositoryPath(`/${npub}/web.git/${gitPath}`).kind, "git", gitPath);
    }
  });

  it("refuses identifiers that are not one safe directory name", () => {
    for (const encoded of ["..%2Fother", "%2E%2E", "a%5Cb", "a%00b", "", "%E0%A4%A"]) {
      assert.equal(routeRepositoryPath(`/${npub}/${encoded}.git/info/refs`).kind, "bad request", encoded);
    }
  });

  it("does not route other files, other shapes of path or non-canonical npubs", () => {
    for (const path of [
      "/",
      `/${npub}`,
      `/${npub}/web`,
      `/${npub}/web.git/config`,
      `/${npub}/web.git/hooks/pre-receive`,
      `/${npub}/web.git/info/../config`,
      `/${npub}/../web.git/info/refs`,
      `/${npub.toUpperCase()}/web.git/info/refs`,
      "/npub1invalid/web.git",
      `/${nip19.noteEncode(pubkey)}/web.git`,
    ]) {
      assert.deepEqual(routeRepositoryPath(path), { kind: "not found" }, path);
    }
  });

  it("routes repositoryUrlPath's URL back to the same identifier", () => {
    const identifier = "a b?c#d%ü";
    assert.deepEqual(routeRepositoryPath(repositoryUrlPath({ npub, identifier })), { kind: "page", npub, pubkey, identifier });
  });
});
