import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraspError } from "../errors.js";
import { renderTemplate } from "./template.js";

const render = (text: string, values: Record<string, string | number | boolean | undefined>) => renderTemplate("t", text, values);

function refused(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof GraspError && message.test(error.message));
}

describe("renderTemplate", () => {
  it("inserts plain values and numbers", () => {
    assert.equal(render("root {{dir}}; port {{port}};", { dir: "/var/lib/grasp", port: 7778 }), "root /var/lib/grasp; port 7778;");
  });

  it("escapes free text for JSON strings, HTML and strfry.conf strings", () => {
    const name = `Bob's "relay" <b>&\\`;
    assert.equal(render(`"{{name|json}}"`, { name }), JSON.stringify(name));
    assert.equal(render("{{name|html}}", { name }), "Bob&#39;s &#34;relay&#34; &#60;b&#62;&#38;\\");
    assert.equal(render(`"{{name|conf}}"`, { name }), `"Bob's \\"relay\\" <b>&\\\\"`);
  });

  it("keeps or drops lines between section markers, nested too", () => {
    const text = ["a", "{{#tls}}", "ssl", "{{#ipv6}}", "ssl6", "{{/ipv6}}", "{{/tls}}", "{{^tls}}", "plain", "{{/tls}}", "z"].join("\n");
    assert.equal(render(text, { tls: true, ipv6: false }), "a\nssl\nz");
    assert.equal(render(text, { tls: true, ipv6: true }), "a\nssl\nssl6\nz");
    assert.equal(render(text, { tls: false, ipv6: true }), "a\nplain\nz");
  });

  it("treats an empty or missing optional value as unset, rendering nothing for it", () => {
    assert.equal(render(["{{#contact}}", `"contact": "{{contact|json}}",`, "{{/contact}}", "end"].join("\n"), { contact: undefined }), "end");
    assert.equal(render(["{{#contact}}", "has", "{{/contact}}"].join("\n"), { contact: "" }), "");
    assert.equal(render(`pubkey = "{{pubkey|conf}}"`, { pubkey: undefined }), `pubkey = ""`);
  });

  it("refuses a value it was not given, a plain value with spaces or quotes, unknown filters and unbalanced sections", () => {
    refused(() => render("{{missing}}", {}), /template t: \{\{missing\}\} has no value/);
    refused(() => render("root {{dir}};", { dir: "/srv/my dir" }), /\{\{dir\}\} would insert "\/srv\/my dir"/);
    refused(() => render("{{dir}}", { dir: `/srv/"x"` }), /would insert/);
    refused(() => render("{{name|yaml}}", { name: "x" }), /unknown filter, use json, html, conf/);
    refused(() => render("{{#tls}}\nx", { tls: true }), /\{\{#tls\}\} is never closed/);
    refused(() => render("x\n{{/tls}}", { tls: true }), /\{\{\/tls\}\} closes no open/);
  });
});
