import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withGitConfig } from "./git-http-backend.js";

describe("withGitConfig", () => {
  it("adds settings after those the environment already passes to git", () => {
    assert.deepEqual(withGitConfig({ HOME: "/h" }, [["a.b", "1"]]), { HOME: "/h", GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "a.b", GIT_CONFIG_VALUE_0: "1" });
    assert.deepEqual(
      withGitConfig({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "x.y", GIT_CONFIG_VALUE_0: "z" }, [["a.b", "1"]]),
      { GIT_CONFIG_COUNT: "2", GIT_CONFIG_KEY_0: "x.y", GIT_CONFIG_VALUE_0: "z", GIT_CONFIG_KEY_1: "a.b", GIT_CONFIG_VALUE_1: "1" },
    );
  });
});
