// Numbered schema migrations. PRAGMA user_version records how many have run; each runs in
// its own transaction, so a crash mid-migration leaves the previous schema intact.
// Append new migrations; never edit one that has shipped.

export const migrations: readonly string[] = [
  // 1: the index of accepted repository events that the rules read.
  `
  CREATE TABLE announcements (
    owner TEXT NOT NULL,
    identifier TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    maintainers TEXT NOT NULL,
    lists_service INTEGER NOT NULL,
    event_json TEXT NOT NULL,
    PRIMARY KEY (owner, identifier)
  );
  CREATE INDEX announcements_by_identifier ON announcements (identifier);

  CREATE TABLE accepted_events (
    id TEXT PRIMARY KEY,
    kind INTEGER NOT NULL,
    pubkey TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    coordinate TEXT
  );
  CREATE INDEX accepted_events_by_coordinate ON accepted_events (coordinate);

  CREATE TABLE event_references (
    source_id TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (source_id, target)
  );
  CREATE INDEX event_references_by_target ON event_references (target);
  `,
  // 2: the purgatory itself, the latest accepted states and PR tips the hooks compare
  // against, and a history of what happened to each held entry (for operators).
  `
  CREATE TABLE held_events (
    id TEXT PRIMARY KEY,
    kind INTEGER NOT NULL,
    pubkey TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    identifier TEXT,
    coordinate TEXT,
    tip TEXT,
    event_json TEXT NOT NULL,
    arrived_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX held_events_by_identifier ON held_events (identifier);
  CREATE INDEX held_events_by_coordinate ON held_events (coordinate);
  CREATE INDEX held_events_by_expiry ON held_events (expires_at);

  CREATE TABLE placeholders (
    event_id TEXT NOT NULL,
    repository TEXT NOT NULL,
    tip TEXT NOT NULL,
    arrived_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, repository)
  );
  CREATE INDEX placeholders_by_expiry ON placeholders (expires_at);

  CREATE TABLE accepted_states (
    author TEXT NOT NULL,
    identifier TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    event_json TEXT NOT NULL,
    PRIMARY KEY (author, identifier)
  );

  CREATE TABLE accepted_pull_requests (
    id TEXT PRIMARY KEY,
    tip TEXT NOT NULL
  );

  CREATE TABLE purgatory_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id TEXT NOT NULL,
    kind INTEGER,
    what TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT
  );
  CREATE INDEX purgatory_history_by_entry ON purgatory_history (entry_id);
  `,
];
