// The few HTML pages a person sees when opening the server in a browser: what it is, a
// repository's clone and relay URLs, and a 404 that says what exists.

export interface ServiceUrls {
  httpUrl: string;
  relayUrl: string;
}

export interface RepositoryPageData {
  npub: string;
  identifier: string;
  cloneUrl: string;
  relayUrl: string;
  /** `refs/heads/main 1234abcd…` lines; empty for a repository without data yet. */
  refs: { name: string; commit: string }[];
  head: string | undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow-x:auto}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function homePage(urls: ServiceUrls): string {
  return page(
    "grasp-purgatory dev",
    `<h1>grasp-purgatory dev</h1>
<p>A local GRASP server: a nostr relay and git smart HTTP on one port, with the purgatory write policy.</p>
<ul>
<li>Relay: <code>${escapeHtml(urls.relayUrl)}</code></li>
<li>Clone URLs: <code>${escapeHtml(urls.httpUrl)}/&lt;npub&gt;/&lt;d&gt;.git</code></li>
</ul>
<p>Announce a repository (kind 30617) listing both in its <code>clone</code> and <code>relays</code> tags; the repository is created at once.</p>`,
  );
}

export function repositoryPage(data: RepositoryPageData): string {
  const refs =
    data.refs.length === 0
      ? "<p>No git data yet: push to the clone URL after publishing a state event (kind 30618).</p>"
      : `<table>${data.refs.map((ref) => `<tr><td><code>${escapeHtml(ref.name)}</code></td><td><code>${escapeHtml(ref.commit)}</code></td></tr>`).join("")}</table>`;
  return page(
    `${data.identifier} · grasp-purgatory dev`,
    `<h1>${escapeHtml(data.identifier)}</h1>
<p>Owner: <code>${escapeHtml(data.npub)}</code></p>
<p>Clone: <code>${escapeHtml(data.cloneUrl)}</code><br>Relay: <code>${escapeHtml(data.relayUrl)}</code></p>
<pre>git clone ${escapeHtml(data.cloneUrl)}</pre>
${data.head === undefined ? "" : `<p>HEAD: <code>${escapeHtml(data.head)}</code></p>`}
<h2>Refs</h2>
${refs}`,
  );
}

export function notFoundPage(path: string, urls: ServiceUrls): string {
  return page(
    "Not found · grasp-purgatory dev",
    `<h1>Not found</h1>
<p>Nothing is served at <code>${escapeHtml(path)}</code>. Repositories are at <code>${escapeHtml(urls.httpUrl)}/&lt;npub&gt;/&lt;d&gt;.git</code> once announced to <code>${escapeHtml(urls.relayUrl)}</code>.</p>`,
  );
}

/** A page for an HTTP error other than 404: its title and what went wrong. */
export function messagePage(title: string, message: string): string {
  return page(`${title} · grasp-purgatory dev`, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
