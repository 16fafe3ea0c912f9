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
];
