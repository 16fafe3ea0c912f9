import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planDeployment } from "./deployment.js";
import { exampleDeploymentOptions } from "./deployment-fixture.js";
import { formatNextSteps, nextSteps } from "./next-steps.js";

const base = exampleDeploymentOptions;

describe("nextSteps", () => {
  it("after deploy --setup: enable the site, start the units, run doctor", () => {
    const text = formatNextSteps(nextSteps({ deployment: planDeployment(base), setup: [], out: undefined, certificateMissing: false, cli: "grasp-purgatory" }));
    assert.match(text, /ln -sf \/etc\/nginx\/sites-available\/grasp-purgatory\.conf \/etc\/nginx\/sites-enabled\/grasp-purgatory\.conf/);
    assert.match(text, /systemctl enable --now grasp-fcgiwrap\.socket grasp-strfry\.service grasp-purgatory-metrics\.timer/);
    assert.match(text, /grasp-purgatory doctor/);
    assert.doesNotMatch(text, /useradd|certbot/);
  });

  it("without --setup it lists the setup commands; without a certificate it says how to get one first", () => {
    const steps = nextSteps({ deployment: planDeployment(base), setup: [{ kind: "group", name: "grasp" }], out: undefined, certificateMissing: true, cli: "grasp-purgatory" });
    const text = formatNextSteps(steps);
    assert.match(text, /groupadd --system grasp/);
    assert.match(text, /certbot certonly --webroot -w \/var\/lib\/grasp\/acme -d git\.example\.com/);
    assert.match(text, /--no-tls/);
  });
});
