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
  // 3: strfry's store is the truth. Index rows are keyed by id (several may share a
  // coordinate): `stored` once strfry has the event, otherwise provisional (the policy said
  // accept) until `check_at`, when strfry is asked. Held announcements no longer live in the
  // index. Deletions are remembered; effects wait as durable jobs; releases are retried.
  `
  ALTER TABLE accepted_events ADD COLUMN stored INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE accepted_events ADD COLUMN check_at INTEGER;
  CREATE INDEX accepted_events_to_check ON accepted_events (check_at) WHERE stored = 0;

  CREATE TABLE accepted_announcements (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    identifier TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    maintainers TEXT NOT NULL,
    lists_service INTEGER NOT NULL,
    event_json TEXT NOT NULL
  );
  CREATE INDEX accepted_announcements_by_repository ON accepted_announcements (owner, identifier);
  CREATE INDEX accepted_announcements_by_identifier ON accepted_announcements (identifier);
  INSERT INTO accepted_announcements (id, owner, identifier, created_at, maintainers, lists_service, event_json)
    SELECT id, owner, identifier, created_at, maintainers, lists_service, event_json FROM announcements
    WHERE id IN (SELECT id FROM accepted_events);
  DROP TABLE announcements;

  CREATE TABLE accepted_state_events (
    id TEXT PRIMARY KEY,
    author TEXT NOT NULL,
    identifier TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    event_json TEXT NOT NULL
  );
  CREATE INDEX accepted_state_events_by_repository ON accepted_state_events (author, identifier);
  INSERT INTO accepted_state_events (id, author, identifier, created_at, event_json)
    SELECT id, author, identifier, created_at, event_json FROM accepted_states;
  DROP TABLE accepted_states;

  CREATE TABLE deletions (
    deletion_id TEXT NOT NULL,
    author TEXT NOT NULL,
    target TEXT NOT NULL,
    until INTEGER,
    PRIMARY KEY (target, author, deletion_id)
  );

  CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    effect TEXT NOT NULL,
    ready INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (ready, next_at);
  CREATE INDEX jobs_by_event ON jobs (event_id);

  ALTER TABLE held_events ADD COLUMN release_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE held_events ADD COLUMN next_release_at INTEGER;
  CREATE INDEX held_events_release_due ON held_events (next_release_at) WHERE next_release_at IS NOT NULL;
  CREATE INDEX held_events_by_kind_identifier ON held_events (kind, identifier);
  CREATE INDEX held_events_by_pubkey ON held_events (pubkey);

  CREATE TABLE repository_creations (
    author TEXT NOT NULL,
    repository TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX repository_creations_by_author ON repository_creations (author, at);

  CREATE TABLE received_pushes (
    repository TEXT PRIMARY KEY,
    at INTEGER NOT NULL
  );

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE INDEX purgatory_history_by_time ON purgatory_history (at);
  `,
  // 4: fewer pages per held event. Each page a commit changes is one more WAL write before
  // the answer; a hold changed 13.7 of them. One (identifier, kind) index serves what three
  // did (by identifier, by kind and identifier, by coordinate); held counts per author and
  // per identifier are kept by triggers instead of counted from an index; the history drops
  // its time index (the sweep finds old rows in seq order). The history keeps AUTOINCREMENT
  // (one page more per row): rebuilding a large history would hold up strfry's first event
  // after an upgrade for seconds (1,000,000 rows: 3 s here), and strfry gives up at 10.
  `
  DROP INDEX held_events_by_identifier;
  DROP INDEX held_events_by_kind_identifier;
  DROP INDEX held_events_by_coordinate;
  DROP INDEX held_events_by_pubkey;
  CREATE INDEX held_events_by_repository ON held_events (identifier, kind);

  CREATE TABLE held_counts (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO held_counts (key, count) SELECT 'author:' || pubkey, COUNT(*) FROM held_events GROUP BY pubkey;
  INSERT INTO held_counts (key, count)
    SELECT 'identifier:' || identifier, COUNT(*) FROM held_events WHERE identifier IS NOT NULL GROUP BY identifier;
  CREATE TRIGGER held_events_counted AFTER INSERT ON held_events BEGIN
    INSERT INTO held_counts (key, count) VALUES ('author:' || NEW.pubkey, 1)
      ON CONFLICT (key) DO UPDATE SET count = count + 1;
    INSERT INTO held_counts (key, count) SELECT 'identifier:' || NEW.identifier, 1 WHERE NEW.identifier IS NOT NULL
      ON CONFLICT (key) DO UPDATE SET count = count + 1;
  END;
  CREATE TRIGGER held_events_uncounted AFTER DELETE ON held_events BEGIN
    UPDATE held_counts SET count = count - 1 WHERE key IN ('author:' || OLD.pubkey, 'identifier:' || OLD.identifier);
    DELETE FROM held_counts WHERE key IN ('author:' || OLD.pubkey, 'identifier:' || OLD.identifier) AND count <= 0;
  END;

  DROP INDEX purgatory_history_by_time;
  `,
];
