import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingCorsHeaders, relayInformationProblem } from "./doctor-front-checks.js";

describe("doctor's checks through nginx", () => {
  it("names each CORS header that is missing or wrong", () => {
    assert.deepEqual(missingCorsHeaders(new Headers({ "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Content-Type, Git-Protocol" })), []);
    assert.deepEqual(missingCorsHeaders(new Headers({ "Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "GET, POST" })), [
      "access-control-allow-origin: * (got https://a.example)",
      "access-control-allow-headers: Content-Type, Git-Protocol (got none)",
    ]);
  });

  it("tells our NIP-11 document from strfry's and from an incomplete one", () => {
    assert.equal(relayInformationProblem({ name: "x", supported_grasps: ["GRASP-01"], repo_acceptance_criteria: "announce it" }), undefined);
    assert.match(relayInformationProblem({ name: "strfry default", supported_nips: [1] })!, /strfry's own document/);
    assert.match(relayInformationProblem({ name: "x", supported_grasps: [] })!, /supported_grasps is \[\]/);
    assert.match(relayInformationProblem({ name: "x", supported_grasps: ["GRASP-01"], repo_acceptance_criteria: " " })!, /repo_acceptance_criteria/);
    assert.match(relayInformationProblem("nope")!, /not a JSON object/);
  });
});
